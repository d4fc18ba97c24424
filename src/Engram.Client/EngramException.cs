using System;
using System.Text.Json;

namespace Engram.Client
{
    /// <summary>
    /// The one error type of the Engram client (wire spec §9). <see cref="Status"/> is the HTTP status,
    /// or 0 for transport failures and mid-stream error frames. Never carries the API key.
    /// </summary>
    public class EngramException : Exception
    {
        public EngramException(string message, int status, object? body = null, string? code = null, Exception? innerException = null)
            : base(message, innerException)
        {
            Status = status;
            Body = body;
            Code = code;
        }

        /// <summary>HTTP status; 0 for transport failures and mid-stream error frames.</summary>
        public int Status { get; }

        /// <summary>The parsed body: a <see cref="JsonElement"/> when it was JSON, the raw text otherwise, null when empty.</summary>
        public object? Body { get; }

        /// <summary>The machine code from the body's <c>code</c> field, when the server sent one.</summary>
        public string? Code { get; }

        /// <summary>The <c>Retry-After</c> delay the server asked for on a final 429, when it sent one.</summary>
        public TimeSpan? RetryAfter { get; set; }
    }
}
