using System;
using System.Threading;
using System.Threading.Tasks;
using Engram.Bench.Commands;

namespace Engram.Bench
{
    /// <summary>
    /// The benchmark harness bench/run.ps1 drives. Each subcommand measures one thing and writes its figures
    /// as JSON to --result (the script renders the table); nothing here asserts a target.
    /// </summary>
    public static class Program
    {
        public static async Task<int> Main(string[] args)
        {
            if (args.Length == 0)
            {
                Console.Error.WriteLine(Usage);
                return 2;
            }

            using var cancel = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                cancel.Cancel();
            };

            try
            {
                var options = new CommandLine(args, 1);
                switch (args[0])
                {
                    case "generate":
                        return GenerateCommand.Run(options);
                    case "serve":
                        return await ServeCommand.RunAsync(options, cancel.Token).ConfigureAwait(false);
                    case "ingest-inproc":
                        return await IngestCommands.InProcessAsync(options, cancel.Token).ConfigureAwait(false);
                    case "ingest-sqlite":
                        return SqliteCeilingCommand.Run(options, cancel.Token);
                    case "ingest-perrow":
                        return await IngestCommands.PerRowHttpAsync(options, cancel.Token).ConfigureAwait(false);
                    case "ingest-transport":
                        return await TransportCommand.RunAsync(options, cancel.Token).ConfigureAwait(false);
                    case "embed":
                        return await EmbedCommand.RunAsync(options, cancel.Token).ConfigureAwait(false);
                    case "http-load":
                        return await HttpLoadCommand.RunAsync(options, cancel.Token).ConfigureAwait(false);
                    case "hnsw-tune":
                        return await HnswTuneCommand.RunAsync(options, cancel.Token).ConfigureAwait(false);
                    case "codes-tune":
                        return await CodesTuneCommand.RunAsync(options, cancel.Token).ConfigureAwait(false);
                    case "scale":
                        return await ScaleCommand.RunAsync(options, cancel.Token).ConfigureAwait(false);
                    case "query":
                        return await QueryCommand.RunAsync(options, cancel.Token).ConfigureAwait(false);
                    case "query-phases":
                        return await QueryPhasesCommand.RunAsync(options, cancel.Token).ConfigureAwait(false);
                    case "first-query":
                        return await FirstQueryCommand.RunAsync(options, cancel.Token).ConfigureAwait(false);
                    case "query-breadth":
                        return await QueryBreadthCommand.RunAsync(options, cancel.Token).ConfigureAwait(false);
                    default:
                        Console.Error.WriteLine($"Unknown subcommand '{args[0]}'.");
                        Console.Error.WriteLine(Usage);
                        return 2;
                }
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine("Cancelled.");
                return 130;
            }
        }

        private const string Usage =
            "Engram.Bench <subcommand> [--name value ...]\n" +
            "  generate      --rows N --out facts.csv                      deterministic one-sentence facts (CSV: Id,Topic,Content)\n" +
            "  serve         --db file --api-key K [--port 0]              LocalEngramServer in this process; prints 'LISTENING <url>',\n" +
            "                                                              stops on 'stop' or end of stdin, then prints its peak working set\n" +
            "  ingest-inproc --rows N --db file --result r.json [--batch 100] [--dedup off|loose|strict|default] [--embedder hashing|local]\n" +
            "                                                              StoreMemoriesAsync into a fresh file, no transport\n" +
            "  ingest-sqlite --rows N --db file --result r.json [--batch 100] [--fact-key-index 1] [--returning 0]\n" +
            "                                                              the same rows straight through Microsoft.Data.Sqlite\n" +
            "                                                              with the engine's structure (the storage ceiling); variants:\n" +
            "                                                              + the fact-key index, seq from last rowid not RETURNING\n" +
            "  ingest-transport --rows N --result r.json [--inflight 4] [--rounds 3] [--dedup default|off] [--only local|http] [--jit on] [--warmups 1] [--warmup-pause-ms 0]\n" +
            "                                                              batches through the engine and through loopback HTTP, alternating\n" +
            "  ingest-perrow --rows N --url U --api-key K --result r.json       one StoreMemoryAsync request per row over HTTP\n" +
            "  query         --db a.db[,b.db] --questions N --result r.json [--settle N]   query latency in-process and over HTTP\n" +
            "                                                              (--settle: warm up until N questions in a row compiled no method)\n" +
            "  query-phases  --db file --result r.json [--questions 200] [--embedder local|hashing] [--wait-index 1] [--clock cpu] [--slowest 8]\n" +
            "                                                              one in-process retrieval-only query timed phase by phase\n" +
            "                                                              (--clock cpu: phases in thread CPU time; the costliest questions listed)\n" +
            "  first-query   --db file --rows N --result r.json [--jit 1] [--whole 1] [--parts 1]\n" +
            "                                                              the first query after opening, step by step (open, index ready,\n" +
            "                                                              snapshot, embed, retrieval phases) by wall, thread and process CPU\n" +
            "  query-breadth --db file --breadths 200,400,1000 [--questions 100] [--embedder local|hashing] [--result r.json]\n" +
            "                                                              the approximate index's search breadth: recall@10 vs exact, search CPU\n" +
            "  scale         --phase build|query|recall --rows N --db file --result r.json [--dims 0|384] [--questions 200]\n" +
            "                                                              one bucket at scale: ingest by decade (default dedup), first query\n" +
            "                                                              after reopening, warm p50/p95, working set, recall@10 vs exact\n" +
            "  hnsw-tune     --db scale.db --rows N --configs \"32,128,i8;64,64,i8\" [--questions 60] [--embedder hashing|local]\n" +
            "                                                              USearch graph settings on a scale file's hashing vectors: recall@10, build, search CPU\n" +
            "  embed         [--queries 300] [--texts 512] [--threads 1,2] [--batches 1,16,64] [--result r.json]\n" +
            "                                                              the local MiniLM embedder alone: load, latency, throughput, size\n" +
            "  http-load     --url U --api-key K [--clients 16] [--seconds 5] [--max-requests 500000]   sequential keep-alive GETs per client";
    }
}
