using System;
using System.Collections;
using System.Management.Automation;
using Engram.Client;
using Engram.PowerShell.Binding;
using Engram.PowerShell.Errors;
using Engram.PowerShell.Runtime;

namespace Engram.PowerShell.Cmdlets
{
    /// <summary>
    /// Add-EngramMemory: stores memories. Text comes from -Content, or from each piped object: its Content
    /// (Text, Memory, Fact) property, the property -ContentProperty names, or a -Template of its columns.
    /// Pipeline input is batched per bucket (see <see cref="MemoryBatchWriter"/>) and reported one result per
    /// input, in input order.
    /// </summary>
    [Cmdlet(VerbsCommon.Add, "EngramMemory", DefaultParameterSetName = InputSet)]
    [OutputType(typeof(MemoryStoreResult))]
    public sealed class AddEngramMemoryCommand : MemoryWriterCmdlet
    {
        private const string ContentSet = "Content";
        private const string InputSet = "InputObject";
        private const string PropertySet = "ContentProperty";
        private const string TemplateSet = "Template";

        private long _nextIndex;
        private ContentTemplate? _template;
        private string? _fixedBucket;
        private string _fallbackBucket = EngramLimits.DefaultBucket;
        private bool _overrideWarned;

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ContentSet)]
        [Alias("Text", "Memory", "Fact")]
        [MemoryContentTransformation]
        [AllowEmptyString]
        [AllowEmptyCollection]
        public string[] Content { get; set; } = Array.Empty<string>();

        /// <summary>What the pipeline sends: text, or an object whose columns hold the text and the bucket.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputSet)]
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = PropertySet)]
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = TemplateSet)]
        [AllowNull]
        [AllowEmptyString]
        public PSObject? InputObject { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = PropertySet)]
        [ValidateNotNullOrEmpty]
        public string ContentProperty { get; set; } = "";

        [Parameter(Mandatory = true, ParameterSetName = TemplateSet)]
        [ValidateNotNullOrEmpty]
        public string Template { get; set; } = "";

        /// <summary>Every input goes here, whatever bucket column it has.</summary>
        [Parameter(Position = 1)]
        [ArgumentCompleter(typeof(BucketNameCompleter))]
        public string? Bucket { get; set; }

        /// <summary>Inputs without a bucket column (or with an empty one) go here; the others keep theirs.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(BucketNameCompleter))]
        public string? DefaultBucket { get; set; }

        /// <summary>Without -Dedup the service's own default (loose) applies.</summary>
        private protected override DedupPolicy? UnboundDedup => null;

        private protected override int ProgressActivityId => 0x4E47;

        private protected override string ProgressActivity => "Adding Engram memories";

        private protected override string ProgressUnit => "memories sent";

        protected override void BeginProcessing()
        {
            if (!string.IsNullOrWhiteSpace(Bucket) && !string.IsNullOrWhiteSpace(DefaultBucket))
            {
                ThrowTerminatingError(EngramErrorRecords.Create(
                    new ArgumentException("-Bucket and -DefaultBucket were both given."),
                    EngramErrorIds.BucketAndDefaultBucket,
                    ErrorCategory.InvalidArgument,
                    Bucket,
                    "Use -Bucket to send every input to one bucket, or -DefaultBucket to keep each input's own bucket and use it only for inputs without one."));
            }

            if (ParameterSetName == TemplateSet)
            {
                try
                {
                    _template = ContentTemplate.Parse(Template);
                }
                catch (FormatException ex)
                {
                    ThrowTerminatingError(EngramErrorRecords.Create(
                        new ArgumentException("-Template '" + Template + "' is not a template: " + ex.Message, ex),
                        EngramErrorIds.InvalidTemplate,
                        ErrorCategory.InvalidArgument,
                        Template,
                        "Write column names in braces, for example -Template '{Host} ({Team}): {Description}'."));
                }
            }

            _fixedBucket = string.IsNullOrWhiteSpace(Bucket) ? null : Bucket!.Trim();
            _fallbackBucket = string.IsNullOrWhiteSpace(DefaultBucket) ? EngramLimits.DefaultBucket : DefaultBucket!.Trim();
            base.BeginProcessing();
        }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == ContentSet)
            {
                foreach (var content in Content ?? Array.Empty<string>())
                {
                    Store(_nextIndex++, _fixedBucket ?? _fallbackBucket, content);
                }

                return;
            }

            var value = PipedObject.Unwrap(InputObject);
            if (value is IEnumerable items && !(value is string) && !(value is IDictionary))
            {
                // An array sent as one pipeline object (,@(...)): each item is an input of its own.
                foreach (var item in items)
                {
                    StoreInput(item);
                }

                return;
            }

            StoreInput(InputObject);
        }

        private void StoreInput(object? input)
        {
            var index = _nextIndex++;
            var bucket = BucketOf(input);
            string? content;
            if (!TryGetContent(input, index, out content, out var problem))
            {
                WriteError(EngramErrorRecords.Create(
                    new ArgumentException(problem),
                    EngramErrorIds.ContentPropertyNotFound,
                    ErrorCategory.InvalidArgument,
                    DescribeInput(index, bucket, null),
                    ParameterSetName == InputSet
                        ? "Name the column that holds the text with -ContentProperty, build it from columns with -Template '{Column}: {Other}', or pipe the text itself."
                        : "Use a property the input has (names are not case-sensitive), or fix the input."));
                return;
            }

            Store(index, bucket, content);
        }

        /// <summary>Checks one memory and queues it; empty or oversized content is reported and not sent.</summary>
        private void Store(long index, string bucket, string? content)
        {
            var target = DescribeInput(index, bucket, content);
            if (string.IsNullOrWhiteSpace(content))
            {
                WriteError(EngramErrorRecords.Create(
                    new ArgumentException("Input " + index + " has no content: an empty or whitespace memory is not stored."),
                    EngramErrorIds.EmptyContent,
                    ErrorCategory.InvalidData,
                    target,
                    "Give every input a non-empty Content (or Text, Memory, Fact) value."));
                return;
            }

            if (FitsInAMemory(content!, "Input " + index, target))
            {
                Enqueue(new PendingMemory(index, null, bucket, content!, target));
            }
        }

        /// <summary>The memory text of one piped input, by this command's rule; false with the reason when it has none.</summary>
        private bool TryGetContent(object? input, long index, out string? content, out string problem)
        {
            content = null;
            problem = "";
            var scalar = PipedObject.Unwrap(input) == null || PipedObject.IsScalar(input);
            switch (ParameterSetName)
            {
                case PropertySet:
                    if (!scalar && PipedObject.TryGet(input, ContentProperty, out var value))
                    {
                        content = PipedObject.Text(value);
                        return true;
                    }

                    problem = MissingColumn(input, index, ContentProperty, "to store (-ContentProperty)");
                    return false;
                case TemplateSet:
                    content = _template!.Render(column => !scalar && PipedObject.TryGet(input, column, out var v) ? PipedObject.Text(v) : null, out var missing);
                    if (missing == null)
                    {
                        return true;
                    }

                    problem = MissingColumn(input, index, missing, "for the template's {" + missing + "}");
                    return false;
                default:
                    if (scalar)
                    {
                        content = PipedObject.Text(PipedObject.Unwrap(input));
                        return true;
                    }

                    if (PipedObject.TryGetFirst(input, PipedObject.ContentNames, out var text))
                    {
                        content = PipedObject.Text(text);
                        return true;
                    }

                    problem = "Input " + index + " has no Content, Text, Memory or Fact property to store (it has: " + PipedObject.DescribeNames(input) + ").";
                    return false;
            }
        }

        private static string MissingColumn(object? input, long index, string column, string purpose) =>
            PipedObject.Unwrap(input) == null || PipedObject.IsScalar(input)
                ? "Input " + index + " is text, not an object with a property '" + column + "' " + purpose + "."
                : "Input " + index + " has no property '" + column + "' " + purpose + ". Its properties: " + PipedObject.DescribeNames(input) + ".";

        /// <summary>
        /// -Bucket wins over the input's own Bucket (or BucketName) column, as an explicit parameter does in
        /// PowerShell (so Get-EngramMemory -Bucket a | Add-EngramMemory -Bucket b copies); a warning says so
        /// once when a column is overridden. Otherwise the column, then -DefaultBucket, then 'default'.
        /// </summary>
        private string BucketOf(object? input)
        {
            var own = PipedObject.TryGetFirst(input, PipedObject.BucketNames, out var value) ? PipedObject.Text(value).Trim() : "";
            if (_fixedBucket == null)
            {
                return own.Length > 0 ? own : _fallbackBucket;
            }

            if (own.Length > 0 && !string.Equals(own, _fixedBucket, StringComparison.Ordinal) && !_overrideWarned)
            {
                _overrideWarned = true;
                WriteWarning(
                    "-Bucket '" + _fixedBucket + "' applies to every input, so the inputs' own bucket column is ignored (the first says '" + own + "'). " +
                    "To keep each input's bucket and use '" + _fixedBucket + "' only for inputs without one, use -DefaultBucket '" + _fixedBucket + "' instead.");
            }

            return _fixedBucket;
        }

        private static PSObject DescribeInput(long index, string bucket, string? content)
        {
            var target = new PSObject();
            target.Properties.Add(new PSNoteProperty("Index", index));
            target.Properties.Add(new PSNoteProperty("Bucket", bucket));
            target.Properties.Add(new PSNoteProperty("Content", content));
            return target;
        }
    }
}
