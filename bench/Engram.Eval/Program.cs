using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Engram.Bench;
using Engram.Eval.Generation;
using Engram.Eval.Sets;

namespace Engram.Eval
{
    /// <summary>
    /// Retrieval-quality evaluation: `generate` rebuilds the sets under bench/eval from the seeds (deterministic),
    /// `check` verifies their labels and prints the counts, `run` measures recall@1, recall@5 and MRR@10.
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
                var root = options.OptionalText("eval-root") ?? EvalSet.FindEvalRoot(Directory.GetCurrentDirectory());
                switch (args[0])
                {
                    case "generate":
                        Generate(root);
                        return Check(root);
                    case "check":
                        return Check(root);
                    case "run":
                        return await Running.EvalRun.RunAsync(root, options, cancel.Token).ConfigureAwait(false);
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

        private static void Generate(string root)
        {
            var (memories, questions) = FactsGenerator.Build(Path.Combine(root, "seed", "facts.seed.jsonl"));
            EvalSet.WriteJsonLines(Path.Combine(root, "facts", "memories.jsonl"), memories);
            EvalSet.WriteJsonLines(Path.Combine(root, "facts", "questions.jsonl"), questions);

            var (turns, turnQuestions) = ConversationGenerator.Build();
            EvalSet.WriteJsonLines(Path.Combine(root, "conversations", "turns.jsonl"), turns);
            EvalSet.WriteJsonLines(Path.Combine(root, "conversations", "questions.jsonl"), turnQuestions);

            var distractors = ScaleGenerator.Build(memories);
            EvalSet.WriteJsonLines(Path.Combine(root, "facts-scale", "distractors.jsonl"), distractors);
        }

        private static int Check(string root)
        {
            using var words = new ContentWords();
            var failed = false;
            foreach (var set in EvalSet.LoadAll(root))
            {
                var report = SetChecks.Check(set, words);
                Console.WriteLine(report);
                foreach (var problem in report.Problems)
                {
                    Console.WriteLine("  " + problem);
                }

                failed |= report.Problems.Count > 0;
            }

            return failed ? 1 : 0;
        }

        private const string Usage =
            "Engram.Eval <subcommand> [--name value ...]\n" +
            "  generate   rebuild bench/eval/{facts,conversations,facts-scale} from the seeds (deterministic), then check\n" +
            "  check      verify every set's labels; prints counts (paraphrases among them)\n" +
            "  run        [--embedder hashing|minilm|all] [--sets a,b] [--out docs/retrieval.md]   recall@1, recall@5, MRR@10";
    }
}
