// The storage layer answers with Kafka error codes (0 means success), from the protocol's catalogue.
import { ErrorCode } from '../protocol/error-codes.ts';

export const {
  NONE,
  OFFSET_OUT_OF_RANGE,
  CORRUPT_MESSAGE,
  UNKNOWN_TOPIC_OR_PARTITION,
  MESSAGE_TOO_LARGE,
  INVALID_TOPIC_EXCEPTION,
  TOPIC_ALREADY_EXISTS,
  INVALID_PARTITIONS,
  UNSUPPORTED_FOR_MESSAGE_FORMAT,
  OUT_OF_ORDER_SEQUENCE_NUMBER,
  INVALID_PRODUCER_EPOCH,
  // Transactional batches are refused: this broker has no transaction coordinator.
  INVALID_TXN_STATE,
} = ErrorCode;
