using System.Threading;
using System.Threading.Tasks;
namespace Engram.Eval.Running
{
    public static class EvalRun
    {
        public static Task<int> RunAsync(string root, CommandLine options, CancellationToken ct) => Task.FromResult(0);
    }
}
