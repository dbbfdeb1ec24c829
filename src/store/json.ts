// Temporary: the JSON-path helpers moved to src/core/query/json.ts; this re-export goes once no door imports it.
export { jsonInt, jsonText } from '../core/query/json.ts';
