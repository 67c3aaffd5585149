//! `client.chat().completions().parse::<T>(params)` (reference/helpers.md b.1).

use std::collections::BTreeSet;
use std::ops::Deref;

use http::HeaderValue;
use openai_transport::headers::X_STAINLESS_HELPER_METHOD;
use openai_types::chat::{
    ChatCompletion, ChatCompletionChoice, ChatCompletionCreateParams,
    ChatCompletionCreateParamsResponseFormat, ChatCompletionCreateParamsTool,
    ChatCompletionMessage,
};
use openai_types::schemars::JsonSchema;
use openai_types::structured::StrictSchemaError;
use openai_types::{ChatCompletionMessageToolCallsItem, Nullable, ResponseFormatJsonSchema};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{ParseAnswer, ParseRequest, arguments_as, parse_arguments, parse_content};
use crate::client::HasOptions as _;
use crate::error::Error;
use crate::helpers::FinishReasonError;
use crate::helpers::chat_stream::{finish_kind, strict_function_names};
use crate::resources::chat::completions::Completions;

/// reference/helpers.md b.1.
const HELPER_METHOD: &str = "chat.completions.parse";

impl Completions<'_> {
    /// Creates a chat completion whose answer is read into `T` (Python's
    /// `client.chat.completions.parse`).
    ///
    /// Unless `params` has a `response_format`, it is set to `T`'s strict
    /// JSON schema (`{"type": "json_schema", "json_schema": {"name", "schema",
    /// "strict": true}}`, see [`structured`](openai_types::structured)); a
    /// `response_format` of your own (a hand-written schema, JSON mode) is
    /// kept, and the answer is still read into `T`. Sends `stream: false` and
    /// `X-Stainless-Helper-Method: chat.completions.parse`.
    ///
    /// Every choice's `message.parsed` is the content read as `T` (`None`
    /// for a refusal or an empty content); every function tool call gets
    /// `parsed_arguments`, its arguments as JSON (read them into your type
    /// with [`ParsedFunction::arguments_as`]); custom tool calls are left
    /// out, as in Python.
    ///
    /// # Errors
    ///
    /// Before anything is sent, [`Error::InvalidRequest`] when `T` cannot be
    /// a strict schema (naming the field), or a tool is not a `strict`
    /// function tool. When awaited, any error of the call;
    /// [`Error::FinishReason`] when a choice stopped at the length limit or
    /// at the content filter; [`Error::Decode`] when a content does not read
    /// as `T` or strict arguments are not JSON.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use openai_core::types::chat::{ChatCompletionCreateParams, ChatMessage};
    /// use openai_core::types::schemars::JsonSchema;
    /// use serde::Deserialize;
    ///
    /// #[derive(Deserialize, JsonSchema)]
    /// #[schemars(crate = "openai_core::types::schemars")]
    /// struct Fruit {
    ///     name: String,
    ///     color: String,
    /// }
    ///
    /// # async fn run(client: openai_core::Client) -> Result<(), openai_core::Error> {
    /// let msgs = [ChatMessage::user("Name a fruit and its color.")];
    /// let parsed = client.chat().completions()
    ///     .parse::<Fruit>(ChatCompletionCreateParams::new("gpt-4o", msgs))
    ///     .await?;
    /// if let Some(fruit) = &parsed.choices[0].message.parsed {
    ///     println!("{} is {}", fruit.name, fruit.color);
    /// } else if let Some(refusal) = parsed.choices[0].message.refusal.as_ref() {
    ///     println!("refused: {refusal}");
    /// }
    /// # Ok(()) }
    /// # let _ = run;
    /// ```
    pub fn parse<T: DeserializeOwned + JsonSchema>(
        &self,
        mut params: ChatCompletionCreateParams,
    ) -> ParseRequest<ChatCompletion, T> {
        let mut problem = validate_tools(&params).err();
        if params.response_format.is_absent() {
            match ResponseFormatJsonSchema::for_type::<T>() {
                Ok(format) => {
                    params.response_format = Nullable::Value(Box::new(
                        ChatCompletionCreateParamsResponseFormat::JsonSchema(format),
                    ));
                }
                Err(e) => problem = problem.or(Some(schema_problem(&e))),
            }
        }
        let strict_tools = strict_function_names(&params);
        let mut request = self.create(params).header(
            X_STAINLESS_HELPER_METHOD,
            HeaderValue::from_static(HELPER_METHOD),
        );
        if let Some(problem) = problem {
            request.options_mut().record_error(&problem);
        }
        ParseRequest::new(request, strict_tools)
    }
}

fn schema_problem(e: &StrictSchemaError) -> String {
    format!("parse: {e}")
}

/// Python's `_validate_input_tools`: only strict function tools.
fn validate_tools(params: &ChatCompletionCreateParams) -> Result<(), String> {
    let Some(tools) = params.tools.as_ref() else {
        return Ok(());
    };
    for tool in tools {
        match tool {
            ChatCompletionCreateParamsTool::Function(tool) => {
                if tool.function.strict.as_ref() != Some(&true) {
                    return Err(format!(
                        "`{}` is not strict. Only `strict` function tools can be auto-parsed",
                        tool.function.name
                    ));
                }
            }
            other => {
                let kind = serde_json::to_value(other)
                    .ok()
                    .and_then(|v| v.get("type").and_then(Value::as_str).map(str::to_owned))
                    .unwrap_or_else(|| "unknown".to_owned());
                return Err(format!(
                    "Currently only `function` tool types support auto-parsing; Received `{kind}`"
                ));
            }
        }
    }
    Ok(())
}

impl super::sealed::Sealed for ChatCompletion {}

impl<T: DeserializeOwned> ParseAnswer<T> for ChatCompletion {
    type Output = ParsedChatCompletion<T>;

    fn finish(self, strict_tools: &BTreeSet<String>) -> Result<ParsedChatCompletion<T>, Error> {
        ParsedChatCompletion::from_completion_with(self, strict_tools)
    }
}

/// A chat completion whose choices are read into `T` (Python's
/// `ParsedChatCompletion[T]`).
///
/// Derefs to the [`ChatCompletion`] for its other fields (`id`, `usage`,
/// ...); its `choices` are here, parsed (the completion's own list is
/// emptied; [`into_completion`](Self::into_completion) puts them back).
#[derive(Debug, Clone)]
pub struct ParsedChatCompletion<T> {
    /// The choices, each message with its `parsed` content.
    pub choices: Vec<ParsedChoice<T>>,
    completion: ChatCompletion,
}

impl<T: DeserializeOwned> ParsedChatCompletion<T> {
    /// The post-processing of `parse` on a completion you already have (from
    /// [`final_completion`](crate::ChatCompletionStream::final_completion),
    /// a recording, ...): tool calls are read as JSON when `strict_tools`
    /// names their function.
    ///
    /// # Errors
    ///
    /// As [`Completions::parse`], once the answer is in.
    pub fn from_completion<I, S>(completion: ChatCompletion, strict_tools: I) -> Result<Self, Error>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let names = strict_tools.into_iter().map(Into::into).collect();
        Self::from_completion_with(completion, &names)
    }

    fn from_completion_with(
        mut completion: ChatCompletion,
        strict_tools: &BTreeSet<String>,
    ) -> Result<Self, Error> {
        // 1, 2: every choice, whatever was asked.
        if let Some(kind) = completion
            .choices
            .iter()
            .find_map(|c| finish_kind(&c.finish_reason))
        {
            return Err(Error::FinishReason(FinishReasonError::new(
                kind, completion,
            )));
        }
        let choices = std::mem::take(&mut completion.choices)
            .into_iter()
            .map(|choice| ParsedChoice::new(choice, strict_tools))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            choices,
            completion,
        })
    }
}

impl<T> ParsedChatCompletion<T> {
    /// The plain completion, its choices back in place (`parsed` dropped).
    pub fn into_completion(self) -> ChatCompletion {
        let mut completion = self.completion;
        completion.choices = self
            .choices
            .into_iter()
            .map(ParsedChoice::into_choice)
            .collect();
        completion
    }
}

impl<T> Deref for ParsedChatCompletion<T> {
    type Target = ChatCompletion;

    fn deref(&self) -> &ChatCompletion {
        &self.completion
    }
}

/// A choice of a [`ParsedChatCompletion`].
///
/// Derefs to the [`ChatCompletionChoice`] for `index`, `finish_reason` and
/// `logprobs` (its `message` is here, parsed).
#[derive(Debug, Clone)]
pub struct ParsedChoice<T> {
    /// The message, with its `parsed` content.
    pub message: ParsedChatCompletionMessage<T>,
    choice: ChatCompletionChoice,
}

impl<T: DeserializeOwned> ParsedChoice<T> {
    fn new(
        mut choice: ChatCompletionChoice,
        strict_tools: &BTreeSet<String>,
    ) -> Result<Self, Error> {
        let message =
            ParsedChatCompletionMessage::new(std::mem::take(&mut choice.message), strict_tools)?;
        Ok(Self { message, choice })
    }
}

impl<T> ParsedChoice<T> {
    fn into_choice(self) -> ChatCompletionChoice {
        let mut choice = self.choice;
        choice.message = self.message.into_message();
        choice
    }
}

impl<T> Deref for ParsedChoice<T> {
    type Target = ChatCompletionChoice;

    fn deref(&self) -> &ChatCompletionChoice {
        &self.choice
    }
}

/// A message of a [`ParsedChoice`] (Python's `ParsedChatCompletionMessage[T]`).
///
/// Derefs to the [`ChatCompletionMessage`] for `content`, `refusal`,
/// `annotations`, `audio`, ... (its `tool_calls` are here, parsed).
#[derive(Debug, Clone)]
pub struct ParsedChatCompletionMessage<T> {
    /// The content read as `T`; `None` for a refusal or an empty content.
    pub parsed: Option<T>,
    /// The function tool calls, each with its parsed arguments; `None` when
    /// there are none. Custom tool calls are left out, as in Python.
    pub tool_calls: Option<Vec<ParsedFunctionToolCall>>,
    message: ChatCompletionMessage,
}

impl<T: DeserializeOwned> ParsedChatCompletionMessage<T> {
    fn new(
        mut message: ChatCompletionMessage,
        strict_tools: &BTreeSet<String>,
    ) -> Result<Self, Error> {
        let refused = message.refusal.as_ref().is_some_and(|r| !r.is_empty());
        let parsed = match message.content.as_ref() {
            Some(content) if !content.is_empty() && !refused => Some(parse_content(content)?),
            _ => None,
        };
        let mut calls = Vec::new();
        let mut dropped = 0_usize;
        for call in std::mem::take(&mut message.tool_calls)
            .into_option()
            .into_iter()
            .flatten()
        {
            match call {
                ChatCompletionMessageToolCallsItem::Function(call) => {
                    let function = call.function;
                    let parsed_arguments = if strict_tools.contains(&function.name) {
                        Some(parse_arguments(&function.name, &function.arguments)?)
                    } else {
                        None
                    };
                    calls.push(ParsedFunctionToolCall {
                        id: call.id,
                        function: ParsedFunction {
                            name: function.name,
                            arguments: function.arguments,
                            parsed_arguments,
                        },
                    });
                }
                _ => dropped += 1,
            }
        }
        if dropped > 0 {
            tracing::warn!(
                dropped,
                "parse: custom tool calls are not parsed and were left out"
            );
        }
        Ok(Self {
            parsed,
            tool_calls: (!calls.is_empty()).then_some(calls),
            message,
        })
    }
}

impl<T> ParsedChatCompletionMessage<T> {
    fn into_message(self) -> ChatCompletionMessage {
        let mut message = self.message;
        message.tool_calls = match self.tool_calls {
            Some(calls) => Nullable::Value(
                calls
                    .into_iter()
                    .map(|call| {
                        ChatCompletionMessageToolCallsItem::Function(
                            openai_types::ChatCompletionMessageToolCall::new(
                                call.id,
                                openai_types::ChatCompletionMessageToolCallFunction::new(
                                    call.function.name,
                                    call.function.arguments,
                                ),
                            ),
                        )
                    })
                    .collect(),
            ),
            None => Nullable::Null,
        };
        message
    }
}

impl<T> Deref for ParsedChatCompletionMessage<T> {
    type Target = ChatCompletionMessage;

    fn deref(&self) -> &ChatCompletionMessage {
        &self.message
    }
}

/// A function tool call with its arguments parsed (Python's
/// `ParsedFunctionToolCall`).
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedFunctionToolCall {
    /// The call's id, to answer it with a tool message.
    pub id: String,
    /// The function called.
    pub function: ParsedFunction,
}

/// The function of a [`ParsedFunctionToolCall`].
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedFunction {
    /// The function's name.
    pub name: String,
    /// The arguments as the model wrote them.
    pub arguments: String,
    /// The arguments as JSON, when the request had this function as a
    /// strict tool; else `None` (as in Python for a tool that is unknown
    /// or not strict).
    pub parsed_arguments: Option<Value>,
}

impl ParsedFunction {
    /// The parsed arguments read into your type (the tool made with
    /// [`ChatCompletionTool::from_type::<A>`](openai_types::ChatCompletionTool::from_type)).
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] when there are no parsed arguments or they do not
    /// read as `A`.
    pub fn arguments_as<A: DeserializeOwned>(&self) -> Result<A, Error> {
        arguments_as(&self.name, self.parsed_arguments.as_ref())
    }
}
