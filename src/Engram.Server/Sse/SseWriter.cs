using System;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Engram.Server.Transport;

namespace Engram.Server.Sse
{
    /// <summary>
    /// Server-Sent Events framing exactly as wire spec §8.1 requires: <c>data: </c> + compact JSON (lines under 64 KiB),
    /// LF line ends, a blank line after every event, and a flush after every frame so clients see it at once.
    /// </summary>
    internal sealed class SseWriter
    {
        private byte[] Frame(byte[] json)
        {
            var frame = SseDataLines.Frame(json, SseDataLines.MaxLineBytes, out var longest);
            if (longest > GoLineLimitBytes)
            {
                // Only one JSON string longer than the limit can do this; it cannot be cut without changing it.
                _trace?.Invoke("sse: a line of " + longest + " bytes exceeds the 64 KiB line limit of Go clients");
            }

            return frame;
        }

        /// <summary>Go's bufio.Scanner gives up on longer lines (wire spec §8.1, §17 Q38).</summary>
        public const int GoLineLimitBytes = 64 * 1024;

        private static readonly byte[] KeepAliveFrame = Encoding.ASCII.GetBytes(": keep-alive\n\n");
        private static readonly byte[] DoneFrame = Encoding.ASCII.GetBytes("data: [DONE]\n\n");

        private readonly IStreamingBody _body;
        private readonly Action<string>? _trace;

        private SseWriter(IStreamingBody body, Action<string>? trace)
        {
            _body = body;
            _trace = trace;
        }

        /// <summary>Sends the 200 headers of an event stream (with the first write, which is the keep-alive comment).</summary>
        public static async Task<SseWriter> OpenAsync(IHttpResponse response, Action<string>? trace, CancellationToken cancellationToken)
        {
            response.SetHeader("Cache-Control", "no-cache");
            response.SetHeader("X-Accel-Buffering", "no");
            var writer = new SseWriter(response.StartStreaming(200, "text/event-stream"), trace);
            await writer.KeepAliveAsync(cancellationToken).ConfigureAwait(false);
            return writer;
        }

        /// <summary>A comment frame; clients ignore it, and a failed write reveals a client that has gone.</summary>
        public Task KeepAliveAsync(CancellationToken cancellationToken) => WriteRawAsync(KeepAliveFrame, cancellationToken);

        /// <summary>One <c>data:</c> event carrying a JSON payload (on several data lines when it is long, see <see cref="SseDataLines"/>).</summary>
        public Task DataAsync(byte[] json, CancellationToken cancellationToken) => WriteRawAsync(Frame(json), cancellationToken);

        public Task DoneAsync(CancellationToken cancellationToken) => _body.WriteLastAsync(DoneFrame, cancellationToken);

        /// <summary>An error frame after the 200; the stream ends with it (no [DONE], wire spec §8.1).</summary>
        public Task LastDataAsync(byte[] json, CancellationToken cancellationToken) => _body.WriteLastAsync(Frame(json), cancellationToken);

        /// <summary>Ends the chunked body.</summary>
        public void Close() => _body.Complete();

        private Task WriteRawAsync(byte[] frame, CancellationToken cancellationToken) => _body.WriteAsync(frame, cancellationToken);
    }
}
