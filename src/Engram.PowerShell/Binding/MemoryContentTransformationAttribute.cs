using System;
using System.Collections;
using System.Management.Automation;

namespace Engram.PowerShell.Binding
{
    /// <summary>
    /// Takes the memory text out of an object given to -Content (Content, Text, Memory or Fact property, or
    /// hashtable key). Without it, PowerShell's last-resort conversion would turn an object that lacks those
    /// properties into the string "@{note=...}" and store that; with it, such an object fails to bind.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class MemoryContentTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            var value = PipedObject.Unwrap(inputData);
            if (value == null || PipedObject.IsScalar(value) || (value is IEnumerable && !(value is IDictionary)))
            {
                return inputData;
            }

            if (PipedObject.TryGetFirst(inputData, PipedObject.ContentNames, out var content))
            {
                return content;
            }

            throw new ArgumentTransformationMetadataException(
                "The input has no Content, Text, Memory or Fact property to store (it has: " + PipedObject.DescribeNames(inputData) + "). " +
                "Pipe it instead and name the column with -ContentProperty, or build the text with -Template.");
        }
    }
}
