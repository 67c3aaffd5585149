// Prepares the copy of the OpenAPI spec that Stoplight Prism serves for the
// conformance run (`.ci/prism`): `node prism-spec.cjs IN.yaml OUT.json`.
// Needs `yaml` and `@stoplight/json-schema-sampler` (Prism's own static
// example generator) on NODE_PATH; `.ci/prism` installs both.
//
// Each change, and why (every one is logged on stderr):
//
// 1. Streams. Prism cannot serve `text/event-stream`: it serialises the
//    event schema as a JSON object and, asked for text, fails with 500
//    "Cannot serialise complex objects as text". Each `text/event-stream`
//    answer becomes a string schema whose example (and only enum value, for
//    the dynamic mode) is an SSE body: one event
//    sampled from the event schema (by the sampler Prism uses for its own
//    static examples), then `data: [DONE]`. An envelope event
//    (`{event, data, ..}`, the Assistants stream) is written as the API
//    sends it: `event: <name>` and `data: <data>`.
// 2. Streams the spec does not declare. The Python SDK (and ours) streams
//    six operations whose spec answer is JSON only (`PYTHON_STREAMS` in
//    `xtask/src/resources/tables.rs`); each gets the `text/event-stream`
//    answer of 1 for the event schema Python uses.
// 3. `Accept: application/binary`. The SDK asks for downloads with it, as
//    the Python SDK and the API do, but the spec names the real types
//    (`application/octet-stream`, `application/zip`, `video/mp4`, a JSON
//    string): Prism answers 406. Each 2xx content gets an
//    `application/binary` alias with the same schema and examples.
// 4. `POST /realtime/calls` takes multipart or raw SDP in the spec; the SDK
//    sends JSON `{sdp, session}` like the Python SDK. The copy accepts that
//    JSON body too (else Prism answers 415).
// 5. Examples that contradict their schema: a string example on an object or
//    array schema (the evals' `item_schema`/`schema` examples are JSON text,
//    with trailing commas). Prism serves examples as they are, so the copy
//    parses such an example (trailing commas dropped) or, failing that,
//    removes it.

'use strict';

const fs = require('fs');
const YAML = require('yaml');
const sampler = require('@stoplight/json-schema-sampler');

// Operation id -> the spec schema of each event (xtask `PYTHON_STREAMS`).
const PYTHON_STREAMS = {
  createCompletion: 'CreateCompletionResponse',
  getResponse: 'ResponseStreamEvent',
  beta_getResponse: 'BetaResponseStreamEvent',
  createRun: 'AssistantStreamEvent',
  submitToolOuputsToRun: 'AssistantStreamEvent',
  createThreadAndRun: 'AssistantStreamEvent',
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

function log(msg) {
  process.stderr.write(`prism-spec: ${msg}\n`);
}

function sse(doc, schema) {
  const event = sampler.sample(schema, { ticks: 2500 }, doc);
  let head = '';
  let data = event;
  if (event && typeof event.event === 'string' && 'data' in event) {
    head = `event: ${event.event}\n`;
    data = event.data;
  }
  return `${head}data: ${JSON.stringify(data)}\n\ndata: [DONE]\n\n`;
}

// The body is also the schema's only value, so the dynamic mode (which
// generates from the schema and ignores examples) serves it too.
function streamContent(doc, schema) {
  const body = sse(doc, schema);
  return { schema: { type: 'string', enum: [body] }, example: body };
}

function prepare(doc) {
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const label = `${op.operationId} (${method.toUpperCase()} ${path})`;
      for (const [status, response] of Object.entries(op.responses || {})) {
        const content = response.content;
        if (!content) continue;
        // 1
        if (content['text/event-stream']) {
          const schema = content['text/event-stream'].schema;
          content['text/event-stream'] = streamContent(doc, schema);
          log(`${label}: ${status} text/event-stream served as an SSE example`);
        }
        // 2
        const events = PYTHON_STREAMS[op.operationId];
        if (events && status.startsWith('2') && !content['text/event-stream']) {
          const schema = { $ref: `#/components/schemas/${events}` };
          content['text/event-stream'] = streamContent(doc, schema);
          log(`${label}: ${status} text/event-stream of ${events} added`);
        }
        // 3
        if (status.startsWith('2') && !content['application/binary']) {
          const first = Object.entries(content).find(
            ([type]) => type !== 'application/json' && type !== 'text/event-stream',
          ) || Object.entries(content).find(([type]) => type === 'application/json');
          if (first) {
            content['application/binary'] = first[1];
            if (first[0] !== 'application/json') {
              log(`${label}: ${status} application/binary aliases ${first[0]}`);
            }
          }
        }
      }
      // 4
      const body = op.requestBody && op.requestBody.content;
      if (body && body['application/sdp'] && !body['application/json']) {
        body['application/json'] = {
          schema: {
            type: 'object',
            required: ['sdp'],
            properties: { sdp: { type: 'string' }, session: { type: 'object' } },
          },
        };
        log(`${label}: accepts a JSON {sdp, session} body`);
      }
    }
  }
  // 5
  fixExamples(doc, '#');
}

function fixExamples(node, where) {
  if (Array.isArray(node)) {
    node.forEach((v, i) => fixExamples(v, `${where}/${i}`));
    return;
  }
  if (!node || typeof node !== 'object') return;
  const structured = node.type === 'object' || node.type === 'array';
  if (structured && typeof node.example === 'string') {
    try {
      node.example = JSON.parse(node.example.replace(/,(\s*[}\]])/g, '$1'));
      log(`${where}: string example of an ${node.type} schema parsed`);
    } catch {
      delete node.example;
      log(`${where}: string example of an ${node.type} schema removed`);
    }
  }
  for (const [k, v] of Object.entries(node)) {
    fixExamples(v, `${where}/${k}`);
  }
}

function main() {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) {
    throw new Error('usage: node prism-spec.cjs IN.yaml OUT.json');
  }
  const doc = YAML.parse(fs.readFileSync(input, 'utf8'), { maxAliasCount: -1 });
  prepare(doc);
  fs.writeFileSync(output, JSON.stringify(doc));
}

main();
