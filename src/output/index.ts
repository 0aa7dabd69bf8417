export { writeOutput, type WriteOptions, type WriteResult } from './write-output.js';
export { copyStaticDir } from './copy-static-dir.js';
export { checkOutputPath } from './output-path.js';
export { writeFileAtomic } from './write-file-atomic.js';
export { loadTemplates, BUILTIN_TEMPLATES_DIR } from './load-templates.js';
