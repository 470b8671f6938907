import { readFileSync } from 'node:fs';
import { UsageError } from '../core/errors.js';

/**
 * Reads a user's JSON file (snapshot, scenario, result, summary). A missing file or bad JSON is a UsageError
 * naming the file: `what` says what kind of file was expected.
 */
export function readJsonFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(file, '$', `a readable ${what}`, 'no such file');
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(file, '$', 'valid JSON', (e as Error).message.split('\n')[0]);
  }
}
