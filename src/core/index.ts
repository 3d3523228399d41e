export * from './algorithm.js';
export * from './assert.js';
export * from './clocks/lamport.js';
export * from './clocks/vector.js';
export * from './codec.js';
export * from './hash.js';
export * from './prng.js';
export * from './process.js';
