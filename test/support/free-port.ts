export { freePort } from '@orders-dwh/apache-kafka';
