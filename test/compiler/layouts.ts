/**
 * The same intent graph in the layouts other people write: compact (as in intents/), expanded, flattened,
 * `@graph` (compacted after flattening) and Turtle — produced by the JSON-LD processor and the Turtle
 * writer themselves, never by hand, so the test checks the compiler against the libraries' idea of "the
 * same graph". Every call refuses remote documents.
 */
import jsonld from "jsonld";
import { Parser, Writer } from "n3";
import { refuseRemoteDocument } from "../../compiler/rdf/readGraph.js";

type Json = Record<string, unknown>;
export type Layout = "compact" | "expanded" | "flattened" | "graph" | "turtle";
export const LAYOUTS: readonly Layout[] = ["compact", "expanded", "flattened", "graph", "turtle"];

const options = { documentLoader: refuseRemoteDocument } as never;

/** The TMF921 intent `input` with its expression rewritten in `layout`. */
export async function inLayout(input: Json, layout: Layout): Promise<Json> {
  const out = structuredClone(input);
  const expression = out.expression as Json;
  const value = expression.expressionValue as Json;
  const context = value["@context"] as Json;
  switch (layout) {
    case "compact":
      return out;
    case "expanded":
      expression.expressionValue = { "@graph": await jsonld.expand(value as never, options) };
      return out;
    case "flattened":
      expression.expressionValue = { "@graph": await jsonld.flatten(value as never, null as never, options) };
      return out;
    case "graph": {
      const flat = await jsonld.flatten(value as never, null as never, options);
      expression.expressionValue = (await jsonld.compact(
        flat as never,
        context as never,
        options,
      )) as unknown as Json;
      return out;
    }
    case "turtle": {
      const nquads = (await jsonld.toRDF(
        value as never,
        { ...(options as object), format: "application/n-quads" } as never,
      )) as unknown as string;
      const quads = new Parser({ format: "N-Quads" }).parse(nquads);
      const prefixes: Record<string, string> = {};
      for (const [prefix, iri] of Object.entries(context))
        if (typeof iri === "string") prefixes[prefix] = iri;
      const writer = new Writer({ prefixes });
      writer.addQuads(quads);
      expression["@type"] = "TurtleExpression";
      expression.expressionValue = await new Promise<string>((resolve, reject) =>
        writer.end((error, text) => (error ? reject(error) : resolve(text))),
      );
      return out;
    }
  }
}
