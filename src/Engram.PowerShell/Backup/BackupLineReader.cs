using System;
using System.IO;
using System.Text;

namespace Engram.PowerShell.Backup
{
    /// <summary>
    /// Reads a backup file line by line as strict UTF-8. A StreamReader would turn invalid bytes into U+FFFD
    /// and import damaged text silently (or, set to throw, lose its place in the file); here a line that is
    /// not UTF-8 comes back as an error for that line only, and reading goes on with the next one.
    /// </summary>
    internal sealed class BackupLineReader : IDisposable
    {
        private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        private readonly Stream _stream;
        private readonly MemoryStream _line = new MemoryStream();
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _position;
        private int _length;

        public BackupLineReader(string path)
        {
            _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        }

        /// <summary>1-based number of the line last read.</summary>
        public int LineNumber { get; private set; }

        /// <summary>
        /// The next line without its end of line: false at the end of the file. <paramref name="text"/> is null
        /// when the line is not valid UTF-8.
        /// </summary>
        public bool TryReadLine(out string? text)
        {
            _line.SetLength(0);
            var sawAny = false;
            while (true)
            {
                if (_position == _length)
                {
                    _length = _stream.Read(_buffer, 0, _buffer.Length);
                    _position = 0;
                    if (_length == 0)
                    {
                        if (!sawAny)
                        {
                            text = null;
                            return false;
                        }

                        break;
                    }
                }

                sawAny = true;
                var end = Array.IndexOf(_buffer, (byte)'\n', _position, _length - _position);
                if (end < 0)
                {
                    _line.Write(_buffer, _position, _length - _position);
                    _position = _length;
                    continue;
                }

                _line.Write(_buffer, _position, end - _position);
                _position = end + 1;
                break;
            }

            LineNumber++;
            var bytes = _line.GetBuffer();
            var count = (int)_line.Length;
            var start = 0;
            if (LineNumber == 1 && count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
            {
                start = 3; // a UTF-8 byte-order mark, as Windows PowerShell's Set-Content writes
            }

            if (count > start && bytes[count - 1] == (byte)'\r')
            {
                count--;
            }

            try
            {
                text = StrictUtf8.GetString(bytes, start, count - start);
            }
            catch (DecoderFallbackException)
            {
                text = null;
            }

            return true;
        }

        public void Dispose()
        {
            _stream.Dispose();
            _line.Dispose();
        }
    }
}
