/**
 * Vitest setup file: runs before each test file and removes the folders the file made with
 * `tempDir`, once all its own hooks have run (after hooks run last-registered first).
 */
import { afterAll } from 'vitest';
import { removeTempDirs } from './temp-dir.js';

afterAll(removeTempDirs);
