// @ts-check
// `tracegate trace` and `tracegate stats`: read a running receiver's JSON API and print.
/** @param {string[]} _args @returns {Promise<number>} */
export async function runTrace(_args) {
  throw new Error("trace: not implemented yet");
}
/** @param {string[]} _args @returns {Promise<number>} */
export async function runStats(_args) {
  throw new Error("stats: not implemented yet");
}
