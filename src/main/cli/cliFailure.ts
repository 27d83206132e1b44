/** A failure a CLI command reports as one line `hearth: <message>` and exits with `exitCode`. */
export class CliFailure extends Error {
  constructor(
    message: string,
    /** 2: the arguments are wrong (or a needed confirmation is missing); 1: anything else. */
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}
