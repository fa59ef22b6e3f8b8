export { freePort, freePorts } from '@orders-dwh/apache-kafka';
