#if NETSTANDARD2_1
using System.ComponentModel;

namespace System.Runtime.CompilerServices;

/// <summary>Lets records and init accessors compile for netstandard2.1 (the compiler only needs the type to exist).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
internal static class IsExternalInit;
#endif
