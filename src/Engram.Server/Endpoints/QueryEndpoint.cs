using System.Threading.Tasks;
using Engram.Server.Sse;
using Engram.Server.Wire;

namespace Engram.Server.Endpoints
{
    /// <summary><c>POST /v1/query</c>, buffered or streamed (wire spec §5.6, §5.7).</summary>
    internal static class QueryEndpoint
    {
        public static async Task HandleAsync(EndpointContext context)
        {
            context.Settings.Faults.ThrowIfByokMissing();
            var parsed = QueryRequestReader.Read(await context.ReadBodyAsync().ConfigureAwait(false));
            if (parsed.Stream)
            {
                await StreamingQueryResponder.RespondAsync(context, parsed).ConfigureAwait(false);
                return;
            }

            var result = await context.Service.QueryAsync(parsed.Request, context.CancellationToken).ConfigureAwait(false);
            await context.RespondAsync(200, ResponseShapes.QueryResult(result, parsed.WantsJsonAnswer)).ConfigureAwait(false);
        }
    }
}
