/**
 * A tracer that keeps every span it makes (effect's `NativeSpan`), for tests that look at the spans a statement got:
 * `Effect.withTracer(effect, tracer)`, then read `spans`.
 */
import * as Tracer from "effect/Tracer"

export const recordingTracer = (): { readonly tracer: Tracer.Tracer; readonly spans: Array<Tracer.NativeSpan> } => {
  const spans: Array<Tracer.NativeSpan> = []
  const tracer = Tracer.make({
    span: (options) => {
      const span = new Tracer.NativeSpan(options)
      spans.push(span)
      return span
    }
  })
  return { tracer, spans }
}
