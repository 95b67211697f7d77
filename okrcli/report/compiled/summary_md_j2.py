# okrcli compiled template: Jinja2 3.1.6, source sha256 987f532d66aa7fa60bd685bb8fdb6f63f51aaab7bdee7b50af7876e7cca81f0c
# written by scripts/compile-templates: do not edit
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'summary.md.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    parent_template = None
    pass
    parent_template = environment.get_template('report.md.j2', 'summary.md.j2')
    for name, parent_block in parent_template.blocks.items():
        context.blocks.setdefault(name, []).append(parent_block)
    yield from parent_template.root_render_func(context)

def block_charts(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    pass

def block_alignment(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    pass

def block_units(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    pass

def block_history(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    l_0_history = resolve('history')
    l_0_counts = missing
    try:
        t_1 = environment.filters['count']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'count' found.")
    try:
        t_2 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    pass
    l_0_counts = [('moved goalpost', 'moved goalposts', environment.getattr((undefined(name='history') if l_0_history is missing else l_0_history), 'moved')), ('stale key result', 'stale key results', environment.getattr((undefined(name='history') if l_0_history is missing else l_0_history), 'stale')), ('parent objective no unit took up', 'parent objectives no unit took up', environment.getattr((undefined(name='history') if l_0_history is missing else l_0_history), 'uncovered')), ('dependency not acknowledged', 'dependencies not acknowledged', environment.getattr((undefined(name='history') if l_0_history is missing else l_0_history), 'dependencies'))]
    _block_vars['counts'] = l_0_counts
    yield 'History: '
    l_1_loop = missing
    for (l_1_one, l_1_many, l_1_items), l_1_loop in LoopContext((undefined(name='counts') if l_0_counts is missing else l_0_counts), undefined):
        _loop_vars = {}
        pass
        yield str(environment.finalize(t_1(t_2(l_1_items))))
        yield ' '
        yield str(environment.finalize((l_1_one if (t_2(l_1_items) == 1) else l_1_many)))
        yield str(environment.finalize(('; ' if (not environment.getattr(l_1_loop, 'last')) else '.')))
    l_1_loop = l_1_one = l_1_many = l_1_items = missing
    yield ' `okr report` has the whole report.\n'

def block_checkins(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    pass

def block_prompts(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    pass

blocks = {'charts': block_charts, 'alignment': block_alignment, 'units': block_units, 'history': block_history, 'checkins': block_checkins, 'prompts': block_prompts}
debug_info = '3=12&4=17&5=26&6=35&8=44&9=66&10=70&12=80&13=89'