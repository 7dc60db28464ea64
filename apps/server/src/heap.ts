import v8 from "node:v8";

/**
 * V8 picks how far its heap may grow before the next full collection from how fast the program
 * allocates: after a burst (10,000 live-session sockets subscribing) it has committed about three
 * times the live heap, and keeps it. A fixed growth keeps what is committed near what is live, for
 * more frequent (mostly concurrent) full collections; decision 011 has the measurements. V8 reads the
 * flag at each collection, so setting it at run time works; NODE_OPTIONS does not accept it.
 */
export function applyHeapGrowing(percent: number): void {
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}
