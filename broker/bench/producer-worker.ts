// Worker-thread entry: runs one producer's share (see producer-load.ts) and posts its count.
import { parentPort, workerData } from 'node:worker_threads';
import { produceShare, type ProducerLoad } from './producer-load.ts';

const acknowledged = await produceShare(workerData as ProducerLoad);
parentPort!.postMessage(acknowledged);
