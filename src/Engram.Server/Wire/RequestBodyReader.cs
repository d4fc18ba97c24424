using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Engram.Local.Validation;
using Engram.Server.Transport;

namespace Engram.Server.Wire
{
    /// <summary>Reads a request body into memory, refusing anything over the configured cap.</summary>
    internal static class RequestBodyReader
    {
        /// <returns>The body bytes; empty when the request has none (Content-Type alone does not make a body).</returns>
        public static async Task<byte[]> ReadAsync(IHttpRequest request, long maxBytes, CancellationToken cancellationToken)
        {
            // The declared length is checked first so an oversized upload is refused without being read.
            if (request.ContentLength > maxBytes)
            {
                throw EngineErrors.BodyTooLarge(maxBytes);
            }

            if (!request.HasBody || request.ContentLength == 0)
            {
                return new byte[0];
            }

            // Chunked bodies have no declared length: cap the reading itself.
            using (var buffer = new MemoryStream())
            {
                var chunk = new byte[16 * 1024];
                var input = request.Body;
                while (true)
                {
                    var read = await input.ReadAsync(chunk, 0, chunk.Length, cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    if (buffer.Length + read > maxBytes)
                    {
                        throw EngineErrors.BodyTooLarge(maxBytes);
                    }

                    buffer.Write(chunk, 0, read);
                }

                return buffer.ToArray();
            }
        }
    }
}
