// The argv that runs this same CLI again — under tsx when we run from source, the bundle
// when installed — for the commands that launch `cohort` children (cluster up, serve --cluster).

export function selfArgv(): string[] {
  return [process.execPath, ...process.execArgv, process.argv[1] as string];
}
