/**
 * The worker that looks for personal data in a sample, on a thread of its
 * own (see findPersonalDataAside). It answers one question and is then
 * terminated.
 *
 * @module
 */
import {
  findPersonalData,
  type PersonalDataAnswer,
  type PersonalDataQuestion,
} from "./personal_data.ts";

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<PersonalDataQuestion>) => void) | null;
  postMessage(answer: PersonalDataAnswer): void;
};

scope.onmessage = (event) => {
  let answer: PersonalDataAnswer;
  try {
    answer = { findings: findPersonalData(event.data.bytes, event.data.facts) };
  } catch (error) {
    answer = { error: (error as Error).message };
  }
  scope.postMessage(answer);
};
