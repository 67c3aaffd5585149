"""Points the official Python SDK at a running openai-mock and calls a sample of operations.

    openai-mock --port 8080 &
    pip install openai
    python crates/openai-mock/scripts/python_sdk_smoke.py http://127.0.0.1:8080/v1

Prints one line per call (ok, or the error) and exits non-zero if any call failed.
"""

import io
import sys

from openai import OpenAI

client = OpenAI(base_url=sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080/v1", api_key="sk-mock", admin_api_key="sk-admin-mock", max_retries=0)

CALLS = {
    "files.list (auto-paging)": lambda: len(list(client.files.list())),
    "files.create (multipart)": lambda: client.files.create(file=("a.jsonl", io.BytesIO(b"{}"), "application/jsonl"), purpose="batch").id,
    "files.retrieve": lambda: client.files.retrieve("file-1").id,
    "files.content": lambda: len(client.files.content("file-1").content),
    "files.delete": lambda: client.files.delete("file-1").deleted,
    "models.list": lambda: [m.id for m in client.models.list()],
    "chat.completions.create": lambda: client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}]).choices[0].message.content,
    "chat.completions.create(stream)": lambda: len(list(client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi there"}], stream=True))),
    "chat.completions.list": lambda: len(list(client.chat.completions.list())),
    "embeddings.create": lambda: len(client.embeddings.create(model="text-embedding-3-small", input="hi").data[0].embedding),
    "responses.create": lambda: client.responses.create(model="gpt-4o", input="hi").id,
    "responses.create(stream)": lambda: [e.type for e in client.responses.create(model="gpt-4o", input="hi", stream=True)],
    "responses.stream (helper)": lambda: _responses_stream(),
    "responses.input_items.list": lambda: len(list(client.responses.input_items.list("resp_1"))),
    "vector_stores.create": lambda: client.vector_stores.create(name="x").id,
    "vector_stores.files.list": lambda: len(list(client.vector_stores.files.list("vs_1"))),
    "beta.assistants.create": lambda: client.beta.assistants.create(model="gpt-4o").id,
    "beta.threads.create": lambda: client.beta.threads.create().id,
    "beta.threads.runs.list": lambda: len(list(client.beta.threads.runs.list("thread_1"))),
    "beta.threads.runs.create(stream)": lambda: [e.event for e in client.beta.threads.runs.create("thread_1", assistant_id="asst_1", stream=True)],
    "beta.threads.messages.list": lambda: len(list(client.beta.threads.messages.list("thread_1"))),
    "audio.speech.create": lambda: len(client.audio.speech.create(model="tts-1", voice="alloy", input="hi").content),
    "audio.transcriptions.create": lambda: client.audio.transcriptions.create(model="whisper-1", file=("a.mp3", io.BytesIO(b"ID3"), "audio/mpeg")).text,
    "images.generate": lambda: len(client.images.generate(prompt="a cat").data or []),
    "images.generate(stream)": lambda: [e.type for e in client.images.generate(prompt="a cat", model="gpt-image-1", stream=True)],
    "moderations.create": lambda: client.moderations.create(input="hi").id,
    "fine_tuning.jobs.list": lambda: len(list(client.fine_tuning.jobs.list())),
    "fine_tuning.jobs.create": lambda: client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-1").id,
    "fine_tuning.jobs.list_events": lambda: len(list(client.fine_tuning.jobs.list_events("ftjob-1"))),
    "batches.create": lambda: client.batches.create(input_file_id="file-1", endpoint="/v1/chat/completions", completion_window="24h").id,
    "batches.list": lambda: len(list(client.batches.list())),
    "uploads.create": lambda: client.uploads.create(bytes=1, filename="a.jsonl", mime_type="text/jsonl", purpose="batch").id,
    "uploads.parts.create": lambda: client.uploads.parts.create("upload_1", data=b"x").id,
    "containers.files.content.retrieve": lambda: len(client.containers.files.content.retrieve("cfile_1", container_id="cntr_1").content),
    "conversations.items.list": lambda: len(list(client.conversations.items.list("conv_1"))),
    "evals.runs.list": lambda: len(list(client.evals.runs.list("eval_1"))),
    "completions.create": lambda: client.completions.create(model="gpt-3.5-turbo-instruct", prompt="hi").id,
    "admin.organization.users.list": lambda: len(list(client.admin.organization.users.list())),
    "admin.organization.projects.list": lambda: len(list(client.admin.organization.projects.list())),
    "admin.organization.groups.list": lambda: len(list(client.admin.organization.groups.list())),
    "admin.organization.audit_logs.list": lambda: len(list(client.admin.organization.audit_logs.list())),
    "videos.create": lambda: client.videos.create(prompt="a cat").id,
    "videos.download_content": lambda: len(client.videos.download_content("video_1").content),
    "skills.content.retrieve": lambda: len(client.skills.content.retrieve("skill_1").content),
    "realtime.client_secrets.create": lambda: client.realtime.client_secrets.create().value,
}


def _responses_stream():
    with client.responses.stream(model="gpt-4o", input="hi") as stream:
        for _ in stream:
            pass
        return stream.get_final_response().id


failed = 0
for name, call in CALLS.items():
    try:
        result = call()
        print(f"ok    {name}: {result!r}"[:160])
    except Exception as e:  # noqa: BLE001 - report every failure and go on
        failed += 1
        print(f"FAIL  {name}: {type(e).__name__}: {e}"[:300])
print(f"{len(CALLS) - failed}/{len(CALLS)} calls succeeded")
sys.exit(1 if failed else 0)
