// How a request failed without an HTTP answer: the vocabulary of errors.ndjson-free accounting,
// shared by the engine, the imports, the probe, the k6 adapter and the scenario API.
export type TransportError = 'refused' | 'reset' | 'timeout' | 'dns' | 'aborted' | 'other'
