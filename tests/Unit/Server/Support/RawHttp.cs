using System.Net.Sockets;
using System.Text;

namespace Engram.Tests.Unit.Server.Support;

/// <summary>
/// Sends an exact request line over a socket, for targets an HttpClient would normalize
/// (raw unencoded names, empty segments, <c>%2F</c>). The connection is closed after one response.
/// </summary>
public static class RawHttp
{
    public static async Task<(int Status, string Body)> SendAsync(int port, string method, string rawTarget, string? body = null, string key = ServerHarness.Key)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        var bodyBytes = body == null ? Array.Empty<byte>() : Encoding.UTF8.GetBytes(body);
        var head = new StringBuilder()
            .Append(method).Append(' ').Append(rawTarget).Append(" HTTP/1.1\r\n")
            .Append("Host: 127.0.0.1:").Append(port).Append("\r\n")
            .Append("Authorization: Bearer ").Append(key).Append("\r\n")
            .Append("Accept: application/json\r\n")
            .Append("Connection: close\r\n");
        if (body != null)
        {
            head.Append("Content-Type: application/json\r\n").Append("Content-Length: ").Append(bodyBytes.Length).Append("\r\n");
        }

        else if (method is "POST" or "PUT" or "PATCH")
        {
            // What Go, Python and fetch all send for a body-less POST.
            head.Append("Content-Length: 0\r\n");
        }

        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
        await stream.WriteAsync(bodyBytes);

        using var reader = new MemoryStream();
        await stream.CopyToAsync(reader);
        var bytes = reader.ToArray();
        var headerEnd = IndexOf(bytes, "\r\n\r\n"u8.ToArray(), 0);
        var headers = Encoding.ASCII.GetString(bytes, 0, headerEnd);
        var status = int.Parse(headers.Split(' ')[1]);
        var rawBody = bytes.AsSpan(headerEnd + 4).ToArray();
        if (headers.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            rawBody = Dechunk(rawBody);
        }

        return (status, Encoding.UTF8.GetString(rawBody));
    }

    private static byte[] Dechunk(byte[] chunked)
    {
        var result = new MemoryStream();
        var at = 0;
        while (at < chunked.Length)
        {
            var lineEnd = IndexOf(chunked, "\r\n"u8.ToArray(), at);
            var size = Convert.ToInt32(Encoding.ASCII.GetString(chunked, at, lineEnd - at).Split(';')[0], 16);
            if (size == 0)
            {
                break;
            }

            result.Write(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }

        return result.ToArray();
    }

    private static int IndexOf(byte[] haystack, byte[] needle, int from)
    {
        for (var i = from; i <= haystack.Length - needle.Length; i++)
        {
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle))
            {
                return i;
            }
        }

        throw new InvalidDataException("Malformed HTTP response");
    }
}
