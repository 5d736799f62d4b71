/**
 * vitrine's own lint rules, loaded by `deno lint` (deno.json lint.plugins):
 *
 * - `function-length`: no product function longer than 80 lines, so that a
 *   function does one job a reader can hold in mind.
 *
 * Deno's plugin API takes the plugin as the module's default export: the
 * one default export in the repository.
 *
 * @module
 */

/** The most lines a product function may span. */
export const MAX_FUNCTION_LINES = 80;

/**
 * Where the rule applies: product code, not tests, fixtures, benchmarks or
 * the soak; nor frozen migrations, which are never edited once shipped.
 */
const EXEMPT = /\/(?:tests|testing|bench|soak|lint|store\/migrations)\//;

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

const plugin: Deno.lint.Plugin = {
  name: "vitrine",
  rules: {
    "function-length": {
      create(context) {
        if (EXEMPT.test(context.filename)) return {};
        const text = context.sourceCode.text;
        const check = (node: Deno.lint.Node & { range: [number, number] }, name: string) => {
          const lines = lineOf(text, node.range[1]) - lineOf(text, node.range[0]) + 1;
          if (lines > MAX_FUNCTION_LINES) {
            context.report({
              node,
              message:
                `${name} spans ${lines} lines, more than ${MAX_FUNCTION_LINES}: give its steps functions of their own`,
            });
          }
        };
        return {
          FunctionDeclaration(node) {
            check(node, `function ${node.id?.name ?? "(anonymous)"}`);
          },
          MethodDefinition(node) {
            const key = node.key.type === "Identifier" || node.key.type === "PrivateIdentifier"
              ? node.key.name
              : "(computed)";
            check(node, `method ${key}`);
          },
          ArrowFunctionExpression(node) {
            check(node, "an arrow function");
          },
          FunctionExpression(node) {
            if (node.parent?.type !== "MethodDefinition") check(node, "a function expression");
          },
        };
      },
    },
  },
};

export default plugin;
