/**
 * The accounts library's work, as the API answers it: its DomainError (with
 * its code) goes to the one HTTP mapper, the error filter, like every other.
 */
export async function answering<T>(work: Promise<T>): Promise<T> {
  return work;
}
