// Real validators for generated files, shared by every test that checks feeds or XML output.
export { validateXmlWellFormed } from './xml-well-formed.js';
export { validateAtom, ATOM_RNC, ATOM_SCH } from './atom.js';
export { validateRss } from './rss.js';
export { validateJsonFeed } from './json-feed.js';
export { parseWithFeedparser, type ParsedFeed, type ParsedEntry } from './feedparser.js';
export { writeOutputFiles, type WrittenFiles } from './output-dir.js';
export { runTool, meaningfulLines, type ToolRun } from './run-tool.js';
export { checkFeedFiles, type FeedFileSet, type FeedCheck } from './feed-check.js';
export { validateHtml, type HtmlError } from './html.js';
