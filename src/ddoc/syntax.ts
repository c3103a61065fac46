// Checks a compiled design-document function against what the most restrictive CouchDB engine
// accepts (docs/couchdb.md §1): SpiderMonkey 78 refuses spread, `?.`, `??` and named top-level
// functions; QuickJS has no BigInt and no typed arrays; neither has TextEncoder, btoa or atob.
import ts from 'typescript';

const FORBIDDEN_GLOBALS = new Set([
  'BigInt', 'Uint8Array', 'Uint8ClampedArray', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array',
  'Int32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array', 'ArrayBuffer',
  'SharedArrayBuffer', 'DataView', 'TextEncoder', 'TextDecoder', 'btoa', 'atob', 'require', 'process',
  'Buffer', 'globalThis',
]);

const LOGICAL_ASSIGNMENTS = new Set([
  ts.SyntaxKind.QuestionQuestionEqualsToken,
  ts.SyntaxKind.BarBarEqualsToken,
  ts.SyntaxKind.AmpersandAmpersandEqualsToken,
]);

export interface SyntaxProblem {
  line: number;
  message: string;
}

/** Problems that would stop `source` from loading in CouchDB 3.4 on either engine. */
export function engineProblems(source: string): SyntaxProblem[] {
  const text = '(' + source + '\n)';
  const file = ts.createSourceFile('fn.js', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const problems: SyntaxProblem[] = [];
  const at = (node: ts.Node, message: string) => {
    const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
    problems.push({ line: line + 1, message });
  };
  const diagnostics = (file as unknown as { parseDiagnostics?: ts.Diagnostic[] }).parseDiagnostics || [];
  for (const d of diagnostics) {
    problems.push({ line: 0, message: 'does not parse: ' + ts.flattenDiagnosticMessageText(d.messageText, ' ') });
  }
  // CouchDB keeps the value the source evaluates to: an anonymous function, or an anonymous
  // function called at once that returns one (how the compiler wraps bundles).
  const top = file.statements[0];
  let expr = top && ts.isExpressionStatement(top) && ts.isParenthesizedExpression(top.expression) ? top.expression.expression : undefined;
  if (expr && ts.isCallExpression(expr) && expr.arguments.length === 0 && ts.isParenthesizedExpression(expr.expression)) expr = expr.expression.expression;
  if (file.statements.length !== 1 || !expr || !ts.isFunctionExpression(expr)) {
    problems.push({ line: 1, message: 'is not a single anonymous function expression' });
  } else if (expr.name) {
    problems.push({ line: 1, message: 'is a named function (' + expr.name.text + '); CouchDB needs an anonymous one' });
  }
  const visit = (node: ts.Node): void => {
    if (ts.isSpreadElement(node) || ts.isSpreadAssignment(node)) at(node, 'uses spread syntax');
    else if ((ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node) || ts.isCallExpression(node)) && node.questionDotToken) at(node, 'uses optional chaining (?.)');
    else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken) at(node, 'uses ??');
    else if (ts.isBinaryExpression(node) && LOGICAL_ASSIGNMENTS.has(node.operatorToken.kind)) at(node, 'uses a logical assignment (??=, ||=, &&=)');
    else if (ts.isBigIntLiteral(node)) at(node, 'uses a BigInt literal');
    else if (ts.isPrivateIdentifier(node)) at(node, 'uses a private class member');
    else if (ts.isIdentifier(node) && FORBIDDEN_GLOBALS.has(node.text) && !isPropertyName(node)) at(node, 'uses ' + node.text + ', which the CouchDB engines lack');
    else if (ts.isPropertyAccessExpression(node) && node.name.text === 'at' && ts.isCallExpression(node.parent)) at(node, 'calls .at(), which SpiderMonkey 78 lacks');
    ts.forEachChild(node, visit);
  };
  visit(file);
  return problems;
}

function isPropertyName(node: ts.Identifier): boolean {
  const p = node.parent;
  return (ts.isPropertyAccessExpression(p) && p.name === node) || (ts.isPropertyAssignment(p) && p.name === node);
}
