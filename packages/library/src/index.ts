export { DEMO_ALBUMS, renderCover, synthesize, writeDemoLibrary } from "./demo.js";
export {
  type ImportOptions,
  type ImportProgress,
  type ImportReport,
  importLibrary,
} from "./import.js";
export { formatLrc, LrcError, type LrcLine, type ParsedLrc, parseLrc, plainFromLines } from "./lrc.js";
export { formatReport, type ProgressStream, type RenderOptions, renderProgress } from "./progress.js";
export { AUDIO_EXTENSIONS, type ReadResult, readTrack, type Track } from "./read-tags.js";
export { importUpload, sniffAudioType, UploadError } from "./upload.js";
export { type ScannedFile, type ScanResult, scanFolder } from "./walk.js";
