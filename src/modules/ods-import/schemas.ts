import { Type, type Static } from 'typebox';
import { Nullable, PageQuery } from '../../core/http/schemas.ts';

const Counts = Type.Object({
  lines: Type.Integer({ description: 'Non-blank lines in the file' }),
  added: Type.Integer(),
  changed: Type.Integer(),
  closed: Type.Integer({ description: 'Closed by this import: marked closed in the file, or no longer listed' }),
  unchanged: Type.Integer(),
  rejected: Type.Integer(),
});

export const RejectedLineSchema = Type.Object({
  file: Type.String({ description: 'practices or branches' }),
  line: Type.Integer({ description: '1-based line number in that file' }),
  odsCode: Nullable(Type.String()),
  reason: Type.String(),
});

export const ImportReportSchema = Type.Object(
  {
    id: Type.Integer(),
    practices: Counts,
    branches: Nullable(Counts),
    groupings: Type.Object({ added: Type.Integer(), changed: Type.Integer() }, { description: 'Regions and commissioners' }),
    unlocatedSites: Type.Integer({ description: 'Sites whose postcode district is unknown' }),
    rejected: Type.Array(RejectedLineSchema),
  },
  { $id: 'OdsImportReport' },
);
export type ImportReport = Static<typeof ImportReportSchema>;

export const OdsImportSchema = Type.Object(
  {
    id: Type.Integer(),
    startedAt: Type.String({ format: 'date-time' }),
    finishedAt: Type.String({ format: 'date-time' }),
    actor: Type.String(),
    practicesFile: Type.String(),
    branchesFile: Nullable(Type.String()),
    report: Type.Ref('OdsImportReport'),
  },
  { $id: 'OdsImport' },
);
export type OdsImport = Static<typeof OdsImportSchema>;

/**
 * The upload: the files' text as JSON strings, exactly as published (no header row, quoted CSV).
 * JSON rather than multipart because the API accepts JSON only; the practice file is ~3 MB,
 * well under the body limit.
 */
export const OdsUploadBody = Type.Object(
  {
    practices: Type.String({ minLength: 1, description: 'The text of epraccur.csv' }),
    branches: Type.Optional(Type.String({ minLength: 1, description: 'The text of ebranchs.csv' })),
    practicesName: Type.Optional(Type.String({ maxLength: 200, description: 'The file name, for the record' })),
    branchesName: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type OdsUpload = Static<typeof OdsUploadBody>;

export const ImportListQuery = PageQuery(['id'], {});
export const ImportParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
