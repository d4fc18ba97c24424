using System;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Engram.Client.Streaming
{
    /// <summary>
    /// Splits an SSE body into lines. Accepts LF, CRLF and lone CR (including a CRLF split across reads),
    /// and has no line-length limit: a line grows in a resizable buffer, so a final frame with a large
    /// explanation (> 64 KiB, the Go client's limit) is read whole.
    /// </summary>
    internal sealed class SseLineReader
    {
        private readonly Stream _body;
        private readonly byte[] _chunk;
        private int _chunkStart;
        private int _chunkEnd;
        private byte[] _line = new byte[256];
        private int _lineLength;
        private bool _skipLeadingLf;
        private bool _eof;

        public SseLineReader(Stream body, int chunkSize = 16 * 1024)
        {
            _body = body ?? throw new ArgumentNullException(nameof(body));
            _chunk = new byte[chunkSize];
        }

        /// <summary>True once any byte of the body has been read.</summary>
        public bool SawAnyByte { get; private set; }

        /// <summary>The next line without its terminator, or null at the end of the body.</summary>
        public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                while (_chunkStart < _chunkEnd)
                {
                    var b = _chunk[_chunkStart];
                    if (_skipLeadingLf)
                    {
                        // The LF of a CRLF whose CR ended the previous line.
                        _skipLeadingLf = false;
                        if (b == (byte)'\n')
                        {
                            _chunkStart++;
                            continue;
                        }
                    }

                    var end = IndexOfLineBreak(_chunk, _chunkStart, _chunkEnd);
                    if (end < 0)
                    {
                        Append(_chunk, _chunkStart, _chunkEnd - _chunkStart);
                        _chunkStart = _chunkEnd;
                        break;
                    }

                    Append(_chunk, _chunkStart, end - _chunkStart);
                    _skipLeadingLf = _chunk[end] == (byte)'\r';
                    _chunkStart = end + 1;
                    return TakeLine();
                }

                if (_eof)
                {
                    // A last line without terminator still counts.
                    return _lineLength > 0 ? TakeLine() : null;
                }

                var read = await _body.ReadAsync(_chunk, 0, _chunk.Length, cancellationToken).ConfigureAwait(false);
                if (read <= 0)
                {
                    _eof = true;
                    continue;
                }

                SawAnyByte = true;
                _chunkStart = 0;
                _chunkEnd = read;
            }
        }

        private static int IndexOfLineBreak(byte[] buffer, int start, int end)
        {
            for (var i = start; i < end; i++)
            {
                var b = buffer[i];
                if (b == (byte)'\n' || b == (byte)'\r')
                {
                    return i;
                }
            }

            return -1;
        }

        private void Append(byte[] source, int offset, int count)
        {
            if (count == 0)
            {
                return;
            }

            if (_lineLength + count > _line.Length)
            {
                var grown = new byte[Math.Max(_line.Length * 2, _lineLength + count)];
                Buffer.BlockCopy(_line, 0, grown, 0, _lineLength);
                _line = grown;
            }

            Buffer.BlockCopy(source, offset, _line, _lineLength, count);
            _lineLength += count;
        }

        private string TakeLine()
        {
            // Line breaks are ASCII, so splitting bytes before decoding never cuts a UTF-8 sequence.
            var text = Encoding.UTF8.GetString(_line, 0, _lineLength);
            _lineLength = 0;
            return text;
        }
    }
}
