import { visibleText } from './visible-text.js';
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Help, Option } from 'commander';
import { CutoverError, ErrorCode, isCutoverError, messageOf } from '../core/errors.js';
import { ExitCode, exitCodeForError } from '../core/exit-codes.js';
import type { DedupeEvalOptions, DedupeRunOptions } from './commands/dedupe-command.js';
import type { DedupePlanOptions, DedupeUndoOptions, ReviewListOptions } from './commands/merge-commands.js';
import type { ReviewGoldenOptions } from './commands/golden-command.js';
import type { DemoCommandOptions } from './commands/demo-command.js';
import type { EvidenceCommandOptions } from './commands/evidence-command.js';
import type { FecExportCommandOptions } from './commands/fec-export-command.js';
import type { FecValidateCommandOptions } from './commands/fec-validate-command.js';
import type { GenerateCommandOptions } from './commands/generate-command.js';
import type { LinkCommandOptions, LinkEvalOptions } from './commands/link-command.js';
import type { LedgerCommandOptions } from './commands/ledger-command.js';
import type { ReconcileCommandOptions } from './commands/reconcile-command.js';
import type { ReplayCommandOptions } from './commands/replay-command.js';
import type { RunCommandOptions } from './commands/run-command.js';
import { errorResultOf } from './error-result.js';
import { integerOption } from './integer-option.js';
import { writeErrorResult } from './output.js';
import { systemErrorAsCutoverError } from './system-error.js';

// Zone-less date-times in legacy exports are read as UTC whatever the machine's zone.
process.env.TZ = 'UTC';

// `cutover … | head`: the reader left, so the output is no longer wanted; that is not an error of cutover's.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const collect = (value: string, previous: string[] = []) => [...previous, value];
const planOption = () => new Option('-p, --plan <file>', 'the plan').default('cutover.yaml');
const stateOption = () =>
  new Option('--state <location>', "state store: SQLite file or postgres:// URL (default: the plan's)");
const jsonOption = () => new Option('--json', 'print the result as JSON on stdout, no progress');
const threadsOption = () =>
  new Option(
    '--threads <n>',
    'dossiers reconciled at once (default: one per core, at most 4; never more than the cores)',
  ).argParser(integerOption({ min: 1 }));
/** The generator's own limit, checked here too so that nothing is printed or written before the refusal. */
const MAX_DOSSIERS = 100_000;
const seedOption = () => new Option('--seed <n>', 'random seed').argParser(integerOption()).default(1);

/** Whether a command was asked for JSON: it takes `--json` and the command line gives it (before any `--`). */
const asksForJson = (command: Command, argv: readonly string[]): boolean => {
  const end = argv.indexOf('--');
  return (
    command.options.some((option) => option.long === '--json') &&
    (end === -1 ? argv : argv.slice(0, end)).includes('--json')
  );
};

/**
 * The one place where a failed command ends: the exit code its error calls for, one line on stderr for a person
 * (unless commander has said it already) and, when --json was asked, the error as JSON on stdout for a script
 * (see ErrorResult), which would otherwise read an empty string.
 */
const fail = (thrown: unknown, options: { json: boolean; said?: boolean }): void => {
  const error = systemErrorAsCutoverError(thrown) ?? thrown;
  const exitCode = isCutoverError(error) ? exitCodeForError[error.code] : ExitCode.INTERNAL;
  if (options.said !== true)
    process.stderr.write(
      isCutoverError(error)
        ? `cutover: ${visibleText(error.message)}\n`
        : `cutover: internal error: ${messageOf(error)}\n${error instanceof Error ? error.stack : ''}\n`,
    );
  if (options.json) writeErrorResult(errorResultOf(error, exitCode));
  process.exitCode = exitCode;
};

/**
 * Runs a command and turns any failure into one line on stderr and a meaningful exit code; a file-system failure
 * with a path (ENOENT, ENOTDIR, EACCES…) is an infrastructure failure (exit 4), never an internal error.
 */
const action =
  <A extends unknown[]>(handler: (...args: A) => Promise<number> | number) =>
  async (...args: A) => {
    try {
      process.exitCode = await handler(...args);
    } catch (thrown) {
      // Commander passes the command itself last, its options parsed.
      const command = args.at(-1);
      fail(thrown, { json: command instanceof Command && command.opts().json === true });
    }
  };

// The package's own version (src/cli and dist/cli are both two folders below it), for bug reports and evidence.
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const program = new Command()
  .name('cutover')
  .description('Move data out of a legacy system into a new one, and prove that nothing was lost.')
  .version(version, '-V, --version', 'print the version of cutover')
  .showHelpAfterError()
  // A command's options stop at its subcommand: `dedupe --json` and `dedupe eval --json` each keep their own.
  .enablePositionalOptions()
  // A wrong command line is exit code 2, like a wrong plan, not commander's default 1 (reserved for bugs).
  .exitOverride()
  // Commander's help does not say which options must be given (`generate --dossiers`): it does here, for every command.
  .configureHelp({
    optionDescription: (option) => {
      const described = new Help().optionDescription(option);
      return option.mandatory ? `${described} (required)` : described;
    },
  });

// Commands load their modules only when run: `cutover schema` should not pay for the XLSX reader.

program
  .command('demo')
  .description('generate a portfolio, migrate it into an embedded SQLite target, reconcile, and summarise')
  .option('--dossiers <n>', 'number of accounting dossiers', integerOption({ min: 0, max: MAX_DOSSIERS }), 50)
  .addOption(seedOption())
  .option('--out <dir>', 'folder for everything the demo writes', 'cutover-demo')
  .addOption(jsonOption())
  .action(
    action(async (options: DemoCommandOptions) =>
      (await import('./commands/demo-command.js')).demoCommand(options),
    ),
  );

program
  .command('init')
  .description('write a commented starter plan')
  .option('--out <file>', 'where to write it', 'cutover.yaml')
  .option('--force', 'overwrite an existing file')
  .option(
    '--fec <path>',
    "a plan for FEC files instead, e.g. 'fec/{dossier}/*FEC*.txt' (one folder per dossier)",
  )
  .action(
    action(async (options: { out: string; force?: boolean; fec?: string }) =>
      (await import('./commands/plan-commands.js')).initCommand(options),
    ),
  );

program
  .command('schema')
  .description('print the JSON Schema of the plan, for editors')
  .action(action(async () => (await import('./commands/plan-commands.js')).schemaCommand()));

program
  .command('validate')
  .description('check the plan (fields, references, cycles) without reading sources')
  .addOption(planOption())
  .addOption(jsonOption())
  .action(
    action(async (options: { plan: string; json?: boolean }) =>
      (await import('./commands/plan-commands.js')).validateCommand(options),
    ),
  );

program
  .command('run')
  .description('migrate every dossier of the plan; resumes an interrupted run')
  .addOption(planOption())
  .addOption(stateOption())
  .option('--dry-run', 'read, validate and map everything; write nothing to the target')
  .option('--dossier <id>', 'only this dossier (repeatable)', collect)
  .addOption(jsonOption())
  .action(
    action(async (options: RunCommandOptions) =>
      (await import('./commands/run-command.js')).runCommand(options),
    ),
  );

program
  .command('reconcile')
  .description(
    'prove per dossier and entity: source = loaded + merged + skipped + rejected, and the content matches',
  )
  .addOption(planOption())
  .addOption(stateOption())
  .option('--dossier <id>', 'only this dossier (repeatable)', collect)
  .addOption(threadsOption())
  .addOption(jsonOption())
  .action(
    action(async (options: ReconcileCommandOptions) =>
      (await import('./commands/reconcile-command.js')).reconcileCommand(options),
    ),
  );

program
  .command('evidence')
  .description(
    'write per dossier the evidence pack: an HTML page for the auditor and its JSON (reconciles again)',
  )
  .addOption(planOption())
  .addOption(stateOption())
  .option('--dossier <id>', 'only this dossier (repeatable)', collect)
  .option('--out <dir>', 'where to write the packs (default: evidence/ beside the plan)')
  .addOption(threadsOption())
  .addOption(jsonOption())
  .action(
    action(async (options: EvidenceCommandOptions) =>
      (await import('./commands/evidence-command.js')).evidenceCommand(options),
    ),
  );

program
  .command('replay')
  .description('after fixing the data or the plan, run again what was rejected')
  .addOption(planOption())
  .addOption(stateOption())
  .addOption(jsonOption())
  .action(
    action(async (options: ReplayCommandOptions) =>
      (await import('./commands/replay-command.js')).replayCommand(options),
    ),
  );

program
  .command('ledger')
  .description('list skipped, rejected and merged records with their reason (or survivor) and raw content')
  .addOption(planOption())
  .addOption(stateOption())
  .option('--dossier <id>', 'only this dossier')
  .option('--entity <name>', 'only this entity')
  .addOption(new Option('--fate <fate>', 'only this fate').choices(['skipped', 'rejected', 'merged']))
  .option('--limit <n>', 'at most this many entries', integerOption({ min: 1 }), 100)
  .addOption(jsonOption())
  .action(
    action(async (options: LedgerCommandOptions) =>
      (await import('./commands/ledger-command.js')).ledgerCommand(options),
    ),
  );

program
  .command('generate')
  .description('write a synthetic legacy portfolio (FEC dossiers, CRM export) with known defects')
  .requiredOption(
    '--dossiers <n>',
    'number of accounting dossiers',
    integerOption({ min: 0, max: MAX_DOSSIERS }),
  )
  .addOption(seedOption())
  .requiredOption('--out <dir>', 'output folder')
  .option('--no-crm', 'accounting dossiers only')
  .addOption(jsonOption())
  .action(
    action(async (options: GenerateCommandOptions) =>
      (await import('./commands/generate-command.js')).generateCommand(options),
    ),
  );

// FEC (French legal accounting export) tools, one subcommand each.
const stateCommands = program.command('state').description('the state store: runs, ledger, decisions');

stateCommands
  .command('rename')
  .description('after renaming the plan (its name:), go on with the state store of its old name')
  .requiredOption('--from <name>', 'the name the plan had')
  .addOption(planOption())
  .addOption(stateOption())
  .addOption(jsonOption())
  .action(
    action(async (options: { from: string; plan: string; state?: string; json?: boolean }) =>
      (await import('./commands/state-rename-command.js')).stateRenameCommand(options),
    ),
  );

const fec = program.command('fec').description('FEC files: the French legal accounting export');

fec
  .command('export')
  .description("write one dossier of the plan's target as a legal FEC (SIRENFECYYYYMMDD.txt)")
  .addOption(planOption())
  .addOption(
    new Option(
      '--state <location>',
      "state store, read when entries do not balance, to count the lines the migration rejected (default: the plan's)",
    ),
  )
  .requiredOption('--dossier <id>', 'the dossier to export')
  .option(
    '--fiscal-year <closing date>',
    'the fiscal year to write (YYYY-MM-DD), when the dossier has several',
  )
  .option(
    '--out <file-or-dir>',
    'the file to write, or a folder to write it in under its legal name (default: .)',
  )
  .addOption(jsonOption())
  .action(
    action(async (options: FecExportCommandOptions) =>
      (await import('./commands/fec-export-command.js')).fecExportCommand(options),
    ),
  );

fec
  .command('validate')
  .description(
    'check FEC files against the norm (art. A47 A-1 LPF) and their books (balances, numbering, fiscal year); exit 6 on errors',
  )
  .argument('<files...>', 'FEC files; split parts (…_1, …_2) are read as one FEC')
  .addOption(
    new Option(
      '--legacy-encoding <encoding>',
      "code page of the lines that are not UTF-8 (default: judged from the file's bytes)",
    ).choices(['windows-1252', 'iso-8859-15', 'ibm850']),
  )
  .addOption(jsonOption())
  .action(
    action(async (files: string[], options: FecValidateCommandOptions) =>
      (await import('./commands/fec-validate-command.js')).fecValidateCommand(files, options),
    ),
  );

const dedupe = program
  .command('dedupe')
  .description(
    "find an entity's duplicates as the plan maps it (--entity): merges with golden records and a review queue, applied by the next run; or, with eval/run, in a CSV",
  )
  .addOption(planOption())
  .addOption(stateOption())
  .option('--entity <name>', 'the entity whose dedupe section to run')
  .option('--dossier <id>', 'only this dossier (repeatable)', collect)
  .option(
    '--review <n>',
    'review pairs stored with their fields and explanation',
    integerOption({ min: 0 }),
    10_000,
  )
  .addOption(jsonOption())
  .action(
    action(async (options: DedupePlanOptions) =>
      (await import('./commands/merge-commands.js')).dedupePlanCommand(options),
    ),
  );

dedupe
  .command('undo')
  .description('undo a merge: the next run loads the absorbed records again')
  .addOption(planOption())
  .addOption(stateOption())
  .requiredOption('--entity <name>', 'the entity')
  .option('--survivor <key>', "the survivor's source key")
  .option('--cluster <id>', 'the cluster id')
  .option('--dossier <id>', 'the dossier, when the survivor key exists in several')
  .addOption(jsonOption())
  .action(
    action(async (options: DedupeUndoOptions) =>
      (await import('./commands/merge-commands.js')).dedupeUndoCommand(options),
    ),
  );
const dedupeConfigOption = () =>
  new Option(
    '--config <preset|file>',
    'which columns are which kind: a preset (febrl, fake_1000, organisations, contacts) or a YAML/JSON file (default: the preset that fits the columns)',
  );

dedupe
  .command('eval')
  .description('run the engine on a labelled CSV; print pairwise precision, recall, F1 and B-cubed')
  .requiredOption('--input <file>', 'the CSV file')
  .option(
    '--truth <column|file>',
    "ground truth: a column holding the entity, or a CSV (record id, entity) (default: the config's)",
  )
  .addOption(dedupeConfigOption())
  .addOption(jsonOption())
  .action(
    action(async (options: DedupeEvalOptions) =>
      (await import('./commands/dedupe-command.js')).dedupeEvalCommand(options),
    ),
  );

dedupe
  .command('run')
  .description('cluster the records of a CSV; write clusters, review pairs and the model as JSON')
  .requiredOption('--input <file>', 'the CSV file')
  .addOption(dedupeConfigOption())
  .option('--out <file>', 'write the result here as JSON')
  .option(
    '--review <n>',
    'review pairs returned with their fields and explanation',
    integerOption({ min: 0 }),
    100,
  )
  .addOption(jsonOption())
  .action(
    action(async (options: DedupeRunOptions) =>
      (await import('./commands/dedupe-command.js')).dedupeRunCommand(options),
    ),
  );

const link = program
  .command('link')
  .description(
    'one client is one company everywhere: link registry dossiers, CRM companies and third parties across systems (SIREN, name, postcode); grey zone to review',
  )
  .addOption(planOption())
  .addOption(stateOption())
  .option(
    '--review <n>',
    'review pairs stored with their fields and explanation',
    integerOption({ min: 0 }),
    10_000,
  )
  .addOption(jsonOption())
  .action(
    action(async (options: LinkCommandOptions) =>
      (await import('./commands/link-command.js')).linkCommand(options),
    ),
  );

link
  .command('eval')
  .description(
    'pairwise precision, recall and F1 of the stored links against a truth (a generated manifest.json)',
  )
  .addOption(planOption())
  .addOption(stateOption())
  .requiredOption('--truth <file>', 'manifest.json (its links) or a JSON list of {client, members}')
  .addOption(jsonOption())
  .action(
    action(async (options: LinkEvalOptions) =>
      (await import('./commands/link-command.js')).linkEvalCommand(options),
    ),
  );

const review = program
  .command('review')
  .description(
    'list the pairs `cutover dedupe` and `cutover link` left for a person to decide: fields side by side, score, why',
  )
  .addOption(planOption())
  .addOption(stateOption())
  .option('--entity <name>', 'only this entity')
  .option('--dossier <id>', 'only this dossier')
  .option('--decided', 'list the decided pairs instead (review decisions and undone merges)')
  .option('--limit <n>', 'at most this many pairs', integerOption({ min: 1 }), 50)
  .addOption(jsonOption())
  .action(
    action(async (options: ReviewListOptions) =>
      (await import('./commands/merge-commands.js')).reviewListCommand(options),
    ),
  );

review
  .command('decide')
  .description(
    'decide a pair: same (link it) or different (never link it); kept for every later dedupe or link',
  )
  .argument('<pair>', 'the pair id, as `cutover review` shows it')
  .argument('<decision>', 'same or different')
  .addOption(planOption())
  .addOption(stateOption())
  .addOption(jsonOption())
  .action(
    action(
      async (pair: string, decision: string, options: { plan: string; state?: string; json?: boolean }) =>
        (await import('./commands/merge-commands.js')).reviewDecideCommand(pair, decision, options),
    ),
  );

review
  .command('golden')
  .description(
    'list the golden records of the clusters, each value with its origin; with --record and --field, choose a value by hand',
  )
  .addOption(planOption())
  .addOption(stateOption())
  .option('--entity <name>', 'only this entity (required to choose)')
  .option('--dossier <id>', 'only this dossier')
  .option('--record <key>', "the source key of the record whose value the cluster's golden record takes")
  .option('--field <column>', 'the mapped column to take from --record')
  .option('--limit <n>', 'at most this many clusters', integerOption({ min: 1 }), 50)
  .addOption(jsonOption())
  .action(
    action(async (options: ReviewGoldenOptions) =>
      (await import('./commands/golden-command.js')).reviewGoldenCommand(options),
    ),
  );

/**
 * `cutover help fec export` as `cutover fec export --help`: commander's help command looks one name deep (it showed
 * `fec`'s help) and answered a name that is no command with the main help and exit 0. Undefined: no such command,
 * said here (exit 2).
 */
const resolveHelpRequest = (argv: readonly string[]): string[] | undefined => {
  const [node = '', script = '', first, ...names] = argv;
  if (first !== 'help' || names.length === 0) return [...argv];
  let command: Command = program;
  for (const name of names) {
    const sub = command.commands.find(
      (candidate) => candidate.name() === name || candidate.aliases().includes(name),
    );
    if (sub === undefined) {
      const known = command.commands.map((candidate) => candidate.name()).join(', ');
      process.stderr.write(
        `cutover: no command "${names.join(' ')}": the commands${command === program ? '' : ` of ${command.name()}`} are ${known}\n`,
      );
      return undefined;
    }
    command = sub;
  }
  return [node, script, ...names, '--help'];
};

/**
 * The command whose command line commander is reading, so that a mistake in it (`ledger --json --limit abc`) is
 * answered in JSON when that command was asked for JSON: each command with subcommands says which it dispatches to.
 */
let parsing: Command = program;
const followDispatch = (command: Command): void => {
  if (command.commands.length === 0) return;
  command.hook('preSubcommand', (_command, subcommand) => {
    parsing = subcommand;
  });
  command.commands.forEach(followDispatch);
};
followDispatch(program);

const argv = resolveHelpRequest(process.argv);
try {
  if (argv === undefined) process.exitCode = ExitCode.BAD_PLAN;
  else await program.parseAsync(argv);
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  // Help and version are not errors.
  const benign = ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(error.code);
  if (benign) process.exitCode = ExitCode.OK;
  else
    // Commander has already printed its message (and the help) on stderr.
    fail(new CutoverError(ErrorCode.USAGE, error.message.replace(/^error: /, '')), {
      json: argv !== undefined && asksForJson(parsing, argv),
      said: true,
    });
}
