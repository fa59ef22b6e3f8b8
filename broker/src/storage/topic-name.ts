/** Kafka's topic name rule: 1–249 characters of [a-zA-Z0-9._-], and not "." or "..". */
export const MAX_TOPIC_NAME_LENGTH = 249;
const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]+$/;

export function isValidTopicName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_TOPIC_NAME_LENGTH && name !== '.' && name !== '..' && LEGAL_TOPIC_NAME.test(name);
}
