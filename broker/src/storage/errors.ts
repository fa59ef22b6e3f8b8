/** Kafka protocol error codes returned by the storage layer (0 means success). */
export const NONE = 0;
export const OFFSET_OUT_OF_RANGE = 1;
export const CORRUPT_MESSAGE = 2;
export const UNKNOWN_TOPIC_OR_PARTITION = 3;
export const MESSAGE_TOO_LARGE = 10;
export const INVALID_TOPIC_EXCEPTION = 17;
export const TOPIC_ALREADY_EXISTS = 36;
export const INVALID_PARTITIONS = 37;
export const UNSUPPORTED_FOR_MESSAGE_FORMAT = 43;
export const OUT_OF_ORDER_SEQUENCE_NUMBER = 45;
export const INVALID_PRODUCER_EPOCH = 47;
/** Transactional batches are refused: this broker has no transaction coordinator. */
export const INVALID_TXN_STATE = 48;
