export { HANDLERS } from "./collections.js";
export { type ExportOptions, type ExportSummary, writeBsonFile, writeLegacyExport } from "./fixtures.js";
export { formatReport, type ProgressStream, renderProgress, writeReportFile } from "./format.js";
export {
  type CollectionReport,
  ImportAborted,
  ImportAlreadyRunning,
  type ImportOptions,
  type ImportProgress,
  type ImportReport,
  type IssueRow,
  importMongo,
  issuesOf,
} from "./import.js";
export {
  COLLECTIONS,
  type CollectionName,
  type CollectionReader,
  type MongoOptions,
  openFolder,
  openMongo,
  readBson,
  readJson,
  redact,
  type Source,
  type SourceItem,
} from "./sources.js";
export { parseDuration } from "./values.js";
