/* A minimal command-line front end for QuickJS: evaluates the script given as the
 * first argument (or a small default loop) and prints the result. Written for the
 * wasmbpf benchmarks; QuickJS itself comes from the PyPI `quickjs` sdist. */
#include <stdio.h>
#include <string.h>
#include "quickjs.h"

int main(int argc, char **argv) {
  const char *source = argc > 1 ? argv[1] : "let s = 0; for (let i = 0; i < 1000; i++) s += i; s";
  JSRuntime *runtime = JS_NewRuntime();
  JSContext *context = JS_NewContext(runtime);
  if (!runtime || !context) return 2;
  JSValue value = JS_Eval(context, source, strlen(source), "<argument>", JS_EVAL_TYPE_GLOBAL);
  int failed = JS_IsException(value);
  if (failed) {
    JSValue exception = JS_GetException(context);
    const char *text = JS_ToCString(context, exception);
    fprintf(stderr, "%s\n", text ? text : "exception");
    JS_FreeCString(context, text);
    JS_FreeValue(context, exception);
  } else {
    const char *text = JS_ToCString(context, value);
    printf("%s\n", text ? text : "?");
    JS_FreeCString(context, text);
  }
  JS_FreeValue(context, value);
  JS_FreeContext(context);
  JS_FreeRuntime(runtime);
  return failed ? 1 : 0;
}
