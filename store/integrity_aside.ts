/**
 * The database's quick check on a thread of its own, for the agent: the
 * check reads every page (0.4 s for 230 MB here, so seconds for a database
 * of gigabytes), and on the agent's thread that long the dashboard and
 * collection would stop. Checks asked for while one runs share it.
 *
 * @module
 */
import { trimCHeap } from "../ffi/trim_c_heap.ts";
import type { IntegrityAnswer } from "./_integrity_worker.ts";
import { isDamage, StoreError } from "./store_error.ts";

const running = new Map<string, Promise<string[]>>();

function checkOnWorker(path: string): Promise<string[]> {
  const worker = new Worker(new URL("./_integrity_worker.ts", import.meta.url), {
    type: "module",
  });
  return new Promise<string[]>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<IntegrityAnswer>) => {
      const answer = event.data;
      if ("problems" in answer) resolve(answer.problems);
      // A page too damaged for the check to go on is what it looks for.
      else if (isDamage(new Error(answer.error))) resolve([answer.error]);
      else {
        reject(
          new StoreError(`Cannot check the database "${path}" for damage: ${answer.error}`),
        );
      }
    };
    worker.onerror = (event) => {
      event.preventDefault();
      reject(new StoreError(`Cannot check the database "${path}" for damage: ${event.message}`));
    };
    worker.postMessage(path);
  }).finally(() => {
    worker.terminate();
    // The thread's memory goes back to the system with it.
    trimCHeap();
  });
}

/**
 * What SQLite's quick check finds wrong with the database at `path`
 * (empty when nothing), checked on another thread.
 */
export function checkIntegrityAside(path: string): Promise<string[]> {
  let check = running.get(path);
  if (check === undefined) {
    check = checkOnWorker(path).finally(() => running.delete(path));
    running.set(path, check);
  }
  return check;
}
