/**
 * Apex as far as the emulator models it: syntax (via @apexdevtools/apex-parser), the top-level class name, its
 * `extends` type, and which classes/methods are tests. No semantic compilation (types, methods, variables are not
 * resolved), so code that parses but would not compile on Salesforce is accepted.
 */
import { ApexErrorListener, ApexParserFactory } from '@apexdevtools/apex-parser';

export type ApexError = { line: number; column: number; message: string };
export type ApexClassInfo = {
  name?: string;
  extendsType?: string;
  isTest: boolean;
  testMethods: string[];
  errors: ApexError[];
};

class Collect extends ApexErrorListener {
  public errors: ApexError[] = [];
  public apexSyntaxError(line: number, column: number, msg: string): void {
    this.errors.push({ line, column: column + 1, message: salesforceWording(msg) });
  }
}

/** ANTLR wording -> the shape of Salesforce's compiler messages ("Unexpected token ';'.", "Missing ';' at 'x'"). */
function salesforceWording(msg: string): string {
  let m = /^(?:mismatched|extraneous) input '(.*)' expecting/s.exec(msg);
  if (m) return m[1] === '<EOF>' ? 'Unexpected end of file.' : `Unexpected token '${m[1]}'.`;
  m = /^missing (.*) at '(.*)'$/s.exec(msg);
  if (m) return `Missing ${m[1]} at '${m[2]}'`;
  m = /^no viable alternative at input '(.*)'$/s.exec(msg);
  if (m) {
    const tokens = m[1].trim().split(/\s+/);
    return `Unexpected token '${tokens[tokens.length - 1]}'.`;
  }
  m = /^token recognition error at: '(.*)'$/s.exec(msg);
  if (m) return `Invalid character in identifier: ${m[1]}`;
  return msg;
}

type Ctx = { getText(): string };
type ModifierCtx = Ctx;
type ClassBodyDecl = {
  modifier_list(): ModifierCtx[];
  memberDeclaration(): { methodDeclaration(): { id(): Ctx } | null } | null;
};

export function parseApexClass(source: string): ApexClassInfo {
  const listener = new Collect();
  const { parser } = ApexParserFactory.createLexerAndParser(source, listener);
  const cu = parser.compilationUnit();
  const info: ApexClassInfo = { isTest: false, testMethods: [], errors: listener.errors };
  if (listener.errors.length > 0) return info;
  try {
    const td = cu.typeDeclaration() as unknown as {
      modifier_list(): ModifierCtx[];
      classDeclaration(): { id(): Ctx; typeRef(): Ctx | null; classBody(): { classBodyDeclaration_list(): ClassBodyDecl[] } } | null;
    };
    const isTestAnnotation = (m: ModifierCtx): boolean => /^@istest\b/i.test(m.getText());
    info.isTest = td.modifier_list().some(isTestAnnotation);
    const cd = td.classDeclaration();
    if (cd) {
      info.name = cd.id().getText();
      info.extendsType = cd.typeRef()?.getText();
      for (const b of cd.classBody().classBodyDeclaration_list()) {
        const method = b.memberDeclaration()?.methodDeclaration();
        if (!method) continue;
        const mods = b.modifier_list();
        if (mods.some((m) => isTestAnnotation(m) || m.getText().toLowerCase() === 'testmethod')) {
          info.testMethods.push(method.id().getText());
        }
      }
    }
  } catch {
    // an interface/enum/trigger-like unit: no class info
  }
  return info;
}

export function parseAnonymousApex(source: string): ApexError[] {
  const listener = new Collect();
  const { parser } = ApexParserFactory.createLexerAndParser(source, listener);
  parser.anonymousUnit();
  return listener.errors;
}
