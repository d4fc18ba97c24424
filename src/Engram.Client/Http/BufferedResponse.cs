using System.Text;

namespace Engram.Client.Http
{
    /// <summary>A response whose whole body was read within the attempt's timeout.</summary>
    internal sealed class BufferedResponse
    {
        public BufferedResponse(int status, byte[] body, string? retryAfter)
        {
            Status = status;
            Body = body;
            RetryAfter = retryAfter;
            Text = body.Length == 0 ? null : Encoding.UTF8.GetString(body);
        }

        public int Status { get; }

        public byte[] Body { get; }

        /// <summary>The body as UTF-8 text; null when empty.</summary>
        public string? Text { get; }

        /// <summary>The raw Retry-After header value, if any.</summary>
        public string? RetryAfter { get; }

        public bool IsSuccess => Status >= 200 && Status <= 299;

        /// <summary>Whitespace-only bodies count as empty (204, or a 200 with nothing in it).</summary>
        public bool IsEmpty => string.IsNullOrWhiteSpace(Text);
    }
}
