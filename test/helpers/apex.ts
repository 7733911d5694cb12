/** Apex syntax errors as apex-parser reports them, for a class (compilationUnit) or anonymous Apex (anonymousUnit). */
import { ApexErrorListener, ApexParserFactory } from '@apexdevtools/apex-parser';

class Collect extends ApexErrorListener {
  public readonly errors: string[] = [];
  public apexSyntaxError(line: number, column: number, message: string): void {
    this.errors.push(`${line}:${column} ${message}`);
  }
}

export function apexSyntaxErrors(source: string, unit: 'compilationUnit' | 'anonymousUnit' = 'compilationUnit'): string[] {
  const listener = new Collect();
  ApexParserFactory.createLexerAndParser(source, listener).parser[unit]();
  return listener.errors;
}
