export * from './driver.js';
export * from './open.js';
