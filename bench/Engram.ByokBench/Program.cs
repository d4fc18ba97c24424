using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Engram.Client;
using Engram.Local;
using Engram.Providers;
using Microsoft.Extensions.AI;

// Two measurements for docs/benchmarks.md (BYOK section):
//   latency [runs] [delayMs]  time to first delta through the engine vs the peer's own delay, and vs the bare SDK client
//   extractive [set-folder]   share of questions whose extractive answer starts with a sentence of an answering memory
var command = args.Length > 0 ? args[0] : "latency";
Tuning.Apply();
return command switch
{
    "latency" => await Latency.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 200, args.Length > 2 ? int.Parse(args[2]) : 50),
    "extractive" => await Extractive.RunAsync(args.Length > 1 ? args[1] : Path.Combine("bench", "eval", "facts"), args.Contains("--minilm")),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Engram.ByokBench latency [runs] [delayMs] | extractive [set-folder] [--minilm]");
    return 2;
}

/// <summary>An OpenAI-compatible peer that waits a fixed delay, then streams three deltas.</summary>
sealed class DelayedPeer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly TimeSpan _delay;

    public DelayedPeer(TimeSpan delay)
    {
        _delay = delay;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Base = new Uri($"http://127.0.0.1:{port}/v1");
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _ = Task.Run(LoopAsync);
    }

    public Uri Base { get; }

    public void Dispose() => _listener.Close();

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                using (var reader = new StreamReader(context.Request.InputStream))
                {
                    await reader.ReadToEndAsync();
                }

                await Task.Delay(_delay);
                context.Response.ContentType = "text/event-stream";
                context.Response.SendChunked = true;
                foreach (var delta in new[] { "Dana ", "Reyes ", "[M1]." })
                {
                    var frame = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + delta + "\"},\"finish_reason\":null}]}\n\n";
                    await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(frame));
                    await context.Response.OutputStream.FlushAsync();
                }

                await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes("data: [DONE]\n\n"));
                context.Response.Close();
            });
        }
    }
}

static class Latency
{
    public static async Task<int> RunAsync(int runs, int delayMs)
    {
        var delay = TimeSpan.FromMilliseconds(delayMs);
        using var peer = new DelayedPeer(delay);
        var settings = new ProviderSettings { Model = "bench", Endpoint = peer.Base }.WithKey("sk-bench-not-a-real-key");
        var chat = ChatClientFactory.Create(settings);
        using var engine = LocalEngine.Open(new LocalEngineOptions { InMemory = true, ChatClient = chat });
        using var service = engine.ForTenant("bench");
        var facts = Enumerable.Range(0, 1000).Select(i => $"Service svc-{i} is owned by team {i % 37} and pages on-call person {i % 53}.").ToList();
        facts.Add("For pg-prod incidents call Dana Reyes on 555-0142.");
        await service.StoreMemoriesAsync("ops", facts);
        var question = new QueryRequest("Who do I call about pg-prod?", "ops");

        // Warm-up: JIT, the loopback connection, the bucket's vectors.
        for (var i = 0; i < 20; i++)
        {
            await FirstDeltaThroughEngine(service, question);
            await FirstDeltaBare(chat);
        }

        var engineTimes = new List<double>();
        var bareTimes = new List<double>();
        var retrieval = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            engineTimes.Add(await FirstDeltaThroughEngine(service, question));
            bareTimes.Add(await FirstDeltaBare(chat));
            var sw = Stopwatch.StartNew();
            await service.QueryAsync(new QueryRequest(question.Query, "ops") { SkipSynthesis = true });
            retrieval.Add(sw.Elapsed.TotalMilliseconds);
        }

        Console.WriteLine($"peer delay before the first delta: {delayMs} ms; {runs} runs after 20 warm-up; bucket of {facts.Count} memories; load {File.ReadAllText("/proc/loadavg").Trim()}");
        Report("engine stream, time to first delta minus peer delay", engineTimes.Select(t => t - delayMs));
        Report("bare SDK IChatClient, time to first delta minus peer delay", bareTimes.Select(t => t - delayMs));
        Report("retrieval alone (skip_synthesis query)", retrieval);
        var engineOwn = engineTimes.Zip(bareTimes, (e, b) => e - b).ToList();
        Report("engine's own work (engine minus bare SDK, per run)", engineOwn);
        return 0;
    }

    private static async Task<double> FirstDeltaThroughEngine(LocalEngramService service, QueryRequest question)
    {
        var sw = Stopwatch.StartNew();
        double first = -1;
        await foreach (var e in service.QueryStreamAsync(question))
        {
            if (first < 0 && e.Type == QueryStreamEventType.Delta)
            {
                first = sw.Elapsed.TotalMilliseconds;
            }
        }

        return first;
    }

    private static async Task<double> FirstDeltaBare(IChatClient chat)
    {
        var sw = Stopwatch.StartNew();
        double first = -1;
        await foreach (var update in chat.GetStreamingResponseAsync("Who do I call about pg-prod?"))
        {
            if (first < 0 && !string.IsNullOrEmpty(update.Text))
            {
                first = sw.Elapsed.TotalMilliseconds;
            }
        }

        return first;
    }

    private static void Report(string what, IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        double P(double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
        Console.WriteLine($"{what}: p50 {P(0.50):F2} ms, p95 {P(0.95):F2} ms, p99 {P(0.99):F2} ms");
    }
}

static class Extractive
{
    public static async Task<int> RunAsync(string folder, bool miniLm)
    {
        var memories = File.ReadAllLines(Path.Combine(folder, "memories.jsonl")).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var questions = File.ReadAllLines(Path.Combine(folder, "questions.jsonl")).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        using var embedder = miniLm ? new Engram.Embeddings.Onnx.MiniLmEmbeddingGenerator() : null;
        using var engine = LocalEngine.Open(new LocalEngineOptions { InMemory = true, Embedder = embedder });
        using var service = engine.ForTenant("eval");
        var idOf = new Dictionary<string, string>();
        foreach (var memory in memories)
        {
            var stored = await service.StoreMemoryAsync("eval", memory.GetProperty("text").GetString()!, DedupPolicy.Off);
            idOf[stored.Id] = memory.GetProperty("id").GetString()!;
        }

        int total = 0, firstNew = 0, firstOld = 0, retrievedAtAll = 0;
        var byKind = new Dictionary<string, (int Total, int Old, int New)>();
        foreach (var q in questions)
        {
            var evidence = q.GetProperty("evidence").EnumerateArray().Select(e => e.GetString()!).ToHashSet();
            var result = await service.QueryAsync(new QueryRequest(q.GetProperty("question").GetString()!, "eval"));
            var retrieved = result.Explanation!.RetrievedMemories;
            total++;
            if (retrieved.Any(m => evidence.Contains(idOf[m.MemoryId])))
            {
                retrievedAtAll++;
            }

            // Old answer: every sentence in rank order, so its first sentence is the top memory's first sentence.
            if (retrieved.Count > 0 && evidence.Contains(idOf[retrieved[0].MemoryId]))
            {
                firstOld++;
            }

            var kind = q.TryGetProperty("kind", out var k) ? k.GetString()! : "all";
            var counts = byKind.TryGetValue(kind, out var c) ? c : (Total: 0, Old: 0, New: 0);
            counts.Total++;
            if (retrieved.Count > 0 && evidence.Contains(idOf[retrieved[0].MemoryId]))
            {
                counts.Old++;
            }

            var firstSentence = System.Text.RegularExpressions.Regex.Split(result.Answer, @"(?<=[.!?])\s+")[0];
            if (retrieved.Any(m => evidence.Contains(idOf[m.MemoryId]) && m.Content.Contains(firstSentence, StringComparison.Ordinal)))
            {
                counts.New++;
            }

            byKind[kind] = counts;
            if (retrieved.Any(m => evidence.Contains(idOf[m.MemoryId]) && m.Content.Contains(firstSentence, StringComparison.Ordinal)))
            {
                firstNew++;
            }
            else if (Environment.GetEnvironmentVariable("BYOK_BENCH_VERBOSE") == "1" && retrieved.Any(m => evidence.Contains(idOf[m.MemoryId])))
            {
                var rank = retrieved.ToList().FindIndex(m => evidence.Contains(idOf[m.MemoryId]));
                Console.WriteLine($"MISS q={q.GetProperty("question").GetString()} | first={firstSentence} | answer@{rank}={retrieved[rank].Content}");
            }
        }

        Console.WriteLine($"{Path.GetFileName(folder.TrimEnd('/'))}: {total} questions, {memories.Count} memories, {(miniLm ? "all-MiniLM-L6-v2" : "hashing")} embedder");
        Console.WriteLine($"an answering memory among those retrieved: {retrievedAtAll} ({100.0 * retrievedAtAll / total:F1} %)");
        Console.WriteLine($"first sentence from an answering memory, old concatenation (top-ranked memory first): {firstOld} ({100.0 * firstOld / total:F1} %)");
        Console.WriteLine($"first sentence from an answering memory, new (best-answering sentence first): {firstNew} ({100.0 * firstNew / total:F1} %)");
        foreach (var (kind, counts) in byKind.OrderBy(p => p.Key))
        {
            Console.WriteLine($"  {kind}: {counts.Total} questions, old {100.0 * counts.Old / counts.Total:F1} %, new {100.0 * counts.New / counts.Total:F1} %");
        }
        return 0;
    }
}

static class Tuning
{
    /// <summary>BYOK_RANK=retrievalWeight,supersededFactor,sameSubject overrides the ranker's constants (exploration only).</summary>
    public static void Apply()
    {
        var spec = Environment.GetEnvironmentVariable("BYOK_RANK");
        if (string.IsNullOrEmpty(spec))
        {
            return;
        }

        var parts = spec.Split(',').Select(p => double.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var ranker = typeof(LocalEngine).Assembly.GetType("Engram.Local.Synthesis.SentenceRanker")!;
        var flags = System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic;
        ranker.GetField("RetrievalWeight", flags)!.SetValue(null, parts[0]);
        ranker.GetField("SupersededFactor", flags)!.SetValue(null, parts[1]);
        ranker.GetField("SameSubject", flags)!.SetValue(null, parts[2]);
    }
}
