// Many CLI tests run the command in-process and capture Console.Out/Console.Error, which are process-wide: test
// classes must not run in parallel with each other, whatever collection they are in.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
