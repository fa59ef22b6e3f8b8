// The development broker's public surface: the pipeline imports only this file.
export { startBroker, type BrokerOptions, type RunningBroker } from './broker.ts';
