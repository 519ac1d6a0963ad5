/**
 * JSON schemas of the hub's OSV payloads. `OsvRecordSchema` follows the OSV schema 1.7
 * (required `id` and `modified`, unknown top-level fields rejected); it validates submissions
 * and, as a response schema, lets fast-json-stringify serialize records without reflection.
 * Free-form OSV objects (`database_specific`, `ecosystem_specific`) stay open.
 */
const str = (maxLength = 4096) => ({ type: 'string', maxLength }) as const;
const strList = (maxItems = 1000, maxLength = 256) => ({ type: 'array', maxItems, items: str(maxLength) }) as const;
const freeObject = { type: 'object', additionalProperties: true } as const;

const Severity = {
  type: 'array',
  maxItems: 16,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['type', 'score'],
    properties: { type: { type: 'string', enum: ['CVSS_V2', 'CVSS_V3', 'CVSS_V4', 'Ubuntu'] }, score: str(256) },
  },
} as const;

const Event = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 1,
  properties: { introduced: str(256), fixed: str(256), last_affected: str(256), limit: str(256) },
} as const;

export const OsvRecordSchema = {
  $id: 'OsvRecord',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'modified'],
  properties: {
    schema_version: str(32),
    id: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$' },
    modified: { type: 'string', format: 'date-time' },
    published: { type: 'string', format: 'date-time' },
    withdrawn: { type: 'string', format: 'date-time' },
    aliases: strList(100, 128),
    related: strList(1000, 128),
    upstream: strList(1000, 128),
    summary: str(1024),
    details: str(100_000),
    severity: Severity,
    affected: {
      type: 'array',
      maxItems: 1000,
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          package: {
            type: 'object',
            additionalProperties: false,
            required: ['ecosystem', 'name'],
            properties: { ecosystem: str(128), name: str(512), purl: str(1024) },
          },
          severity: Severity,
          ranges: {
            type: 'array',
            maxItems: 100,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['type', 'events'],
              properties: {
                type: { type: 'string', enum: ['GIT', 'SEMVER', 'ECOSYSTEM'] },
                repo: str(1024),
                events: { type: 'array', minItems: 1, maxItems: 1000, items: Event },
                database_specific: freeObject,
              },
            },
          },
          versions: strList(10_000, 256),
          ecosystem_specific: freeObject,
          database_specific: freeObject,
        },
      },
    },
    references: {
      type: 'array',
      maxItems: 1000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['type', 'url'],
        properties: {
          type: { type: 'string', enum: ['ADVISORY', 'ARTICLE', 'DETECTION', 'DISCUSSION', 'REPORT', 'FIX', 'INTRODUCED', 'GIT', 'PACKAGE', 'EVIDENCE', 'WEB'] },
          url: str(2048),
        },
      },
    },
    credits: {
      type: 'array',
      maxItems: 100,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: str(256),
          contact: strList(10, 512),
          type: { type: 'string', enum: ['FINDER', 'REPORTER', 'ANALYST', 'COORDINATOR', 'REMEDIATION_DEVELOPER', 'REMEDIATION_REVIEWER', 'REMEDIATION_VERIFIER', 'TOOL', 'SPONSOR', 'OTHER'] },
        },
      },
    },
    database_specific: freeObject,
  },
} as const;

/** `{ name, ecosystem, purl }` as OSV's query API takes it. */
export const QueryPackageSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { name: { type: 'string', minLength: 1, maxLength: 512 }, ecosystem: { type: 'string', minLength: 1, maxLength: 128 }, purl: { type: 'string', minLength: 1, maxLength: 1024 } },
} as const;

export const QuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    commit: { type: 'string', maxLength: 64 },
    version: { type: 'string', minLength: 1, maxLength: 256 },
    package: QueryPackageSchema,
    page_token: { type: 'string', maxLength: 256 },
  },
} as const;

export const MAX_BATCH = 1000;

export const QueryBatchSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['queries'],
  properties: { queries: { type: 'array', maxItems: MAX_BATCH, items: QuerySchema } },
} as const;

/** A record proposed in a submission: OSV, but `id` and `modified` may be left to the hub. */
export const OsvProposalSchema = (() => {
  const { required: _required, ...rest } = OsvRecordSchema;
  return { ...rest, $id: 'OsvProposal' };
})();
