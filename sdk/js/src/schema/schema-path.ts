/** Where validation is: a base pointer plus member names, made into a JSON pointer only for an error. */
export class SchemaPath {
  private readonly tokens: string[] = [];

  constructor(private readonly basePointer: string) {}

  push(token: string): void {
    this.tokens.push(token);
  }

  pop(): void {
    this.tokens.pop();
  }

  get pointer(): string {
    return this.tokens.length === 0 ? this.basePointer : this.basePointer + "/" + this.tokens.map(escape).join("/");
  }

  child(token: string): string {
    return this.pointer + "/" + escape(token);
  }

  get name(): string {
    return this.tokens.length === 0 ? "the value" : `'${this.tokens[this.tokens.length - 1]!}'`;
  }
}

function escape(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}
