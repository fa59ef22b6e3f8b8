export { freePort } from '../../kafka/src/free-port.ts';
